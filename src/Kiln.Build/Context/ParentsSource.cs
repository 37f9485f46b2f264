using System.Collections.Immutable;
using Kiln.Build.Copy;
using Kiln.Content.Paths;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Build.Context;

/// <summary>
/// One source of <c>COPY --parents</c>, split as BuildKit's dockerfile2llb splits it: the part before the first
/// "/./" is the pivot (the source root when there is none), selected like any source, wildcards included; the rest
/// is a pattern over paths from each pivot. Every path the pattern matches is copied with its directories from the
/// pivot down, those directories keeping their own metadata. When neither part has a wildcard, the path must exist.
/// </summary>
internal sealed class ParentsSource
{
    private readonly ImmutableArray<string> _components;

    private ParentsSource(string text, string pivot, ImmutableArray<string> components, PatternMatcher? include)
    {
        Text = text;
        Pivot = pivot;
        _components = components;
        Include = include;
    }

    /// <summary>The source as written.</summary>
    public string Text { get; }

    /// <summary>The directory the kept paths start from, as a source path.</summary>
    public string Pivot { get; }

    /// <summary>What to keep below the pivot; null keeps everything (nothing follows the "/./").</summary>
    public PatternMatcher? Include { get; }

    /// <summary>The path that must exist (pivot and pattern joined), or null when either has a wildcard.</summary>
    public string? RequiredPath =>
        GoFilepathMatch.ContainsWildcards(Pivot) || _components.Any(GoFilepathMatch.ContainsWildcards)
            ? null
            : Pivot.TrimEnd('/') + "/" + string.Join('/', _components);

    public static ParentsSource Parse(string text, string description)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = text.IndexOf("/./", StringComparison.Ordinal);
        var (pivot, pattern) = cut < 0 ? ("/", text) : (text[..cut], text[(cut + 3)..]);
        if (!SecureJoin.TryClean(pattern, out var components))
        {
            throw new CopyException($"forbidden path outside the {description}: {text}");
        }

        PatternMatcher? include = null;
        if (components.Length > 0)
        {
            var created = PatternMatcher.Create([string.Join('/', components)]);
            include = created.Succeeded ? created.Matcher : throw new CopyException($"COPY --parents {text}: {created.Error.Message}");
        }

        return new ParentsSource(text, pivot.Length == 0 ? "/" : pivot, components, include);
    }

    /// <summary>
    /// Whether a directory that is not kept itself (its path from the pivot, slash-separated) may still hold kept
    /// paths: the walk then goes into it, and it appears in the copy only if something below it is kept.
    /// </summary>
    public bool MayHold(string directory)
    {
        var parts = directory.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i >= _components.Length || _components[i].Contains("**", StringComparison.Ordinal))
            {
                return true;
            }

            if (!GoFilepathMatch.IsMatch(_components[i], parts[i]))
            {
                return false;
            }
        }

        return true;
    }
}
