using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Context;

/// <summary>
/// How <c>--build-context</c> names meet the names a Dockerfile writes. buildx and BuildKit both reduce a name to the
/// familiar form of an image reference without <c>:latest</c> (<c>reference.FamiliarString</c> after
/// <c>ParseNormalizedNamed</c>), so <c>alpine</c>, <c>alpine:latest</c>, <c>docker.io/library/alpine</c> and
/// <c>docker.io/library/alpine:latest</c> are one name, while <c>alpine:3.18</c> is another.
/// </summary>
public static class NamedContextNames
{
    /// <summary>The name's familiar form, or null (with the reason) when it is not an image reference's name.</summary>
    public static string? Normalize(string name, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ImageReference.TryParse(name, defaultTag: false, out var reference, out problem))
        {
            return null;
        }

        var familiar = reference.FamiliarString;
        return familiar.EndsWith(":" + ImageReference.DefaultTag, StringComparison.Ordinal)
            ? familiar[..^(ImageReference.DefaultTag.Length + 1)]
            : familiar;
    }

    /// <summary>
    /// The frontend's lookup over <paramref name="contexts"/>: a name the Dockerfile writes finds the context whose name
    /// normalises alike (a later one wins, as buildx keeps the last); one that is no reference (<c>Build</c>) finds none.
    /// Null when there are no contexts.
    /// </summary>
    /// <exception cref="ArgumentException">A context's name is not an image reference's name.</exception>
    public static NamedContextLookup? Lookup(IEnumerable<KeyValuePair<string, NamedContext>> contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var byName = new Dictionary<string, NamedContext>(StringComparer.Ordinal);
        foreach (var (name, context) in contexts)
        {
            byName[Normalize(name, out var problem) ?? throw new ArgumentException($"invalid context name {name}: {problem}", nameof(contexts))] = context;
        }

        if (byName.Count == 0)
        {
            return null;
        }

        return name => Normalize(name, out _) is { } normalized ? byName.GetValueOrDefault(normalized) : null;
    }
}
