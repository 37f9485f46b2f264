using System.Collections.Immutable;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// BuildKit's <c>EnvsFromSlice</c>: <c>NAME=VALUE</c> entries split at the FIRST <c>=</c>; a later
/// duplicate wins; an entry without <c>=</c> defines the name with an empty value. Names are
/// case-sensitive (BuildKit only folds case on Windows).
/// </summary>
internal static class EnvironmentEntries
{
    public static ImmutableDictionary<string, string> Parse(IEnumerable<string> entries)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                builder[entry] = string.Empty;
            }
            else
            {
                builder[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return builder.ToImmutable();
    }
}
