using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// Decides which context paths a list of .dockerignore patterns excludes, with the semantics of
/// moby/patternmatcher's <c>MatchesOrParentMatches</c> (what BuildKit applies to the build context):
/// patterns apply in order, a later pattern overrides an earlier one, a <c>!</c> pattern re-includes, and a
/// pattern matches a path when it matches the path itself or any of its parent directories.
/// Paths are slash-separated and relative to the context root. Immutable and safe to share between threads.
/// </summary>
public sealed class PatternMatcher
{
    private readonly CompiledPattern[] compiled;

    private readonly bool[] exclusion;

    private PatternMatcher(ImmutableArray<IgnorePattern> patterns, CompiledPattern[] compiled)
    {
        Patterns = patterns;
        this.compiled = compiled;
        exclusion = [.. patterns.Select(p => p.IsExclusion)];
        HasExclusions = exclusion.Contains(true);
    }

    /// <summary>The active patterns in order (empty ones dropped), cleaned and split from their <c>!</c>.</summary>
    public ImmutableArray<IgnorePattern> Patterns { get; }

    /// <summary>
    /// True when some pattern starts with <c>!</c>. Then an excluded directory may still contain re-included
    /// files, so a walker cannot skip an excluded directory as a whole.
    /// </summary>
    public bool HasExclusions { get; }

    /// <summary>
    /// Builds a matcher the way <c>patternmatcher.New</c> does: each pattern is trimmed (Go <c>TrimSpace</c>),
    /// dropped if empty, <c>filepath.Clean</c>ed (so <c>docs/</c> is <c>docs</c> and <c>**/</c> is <c>**</c>),
    /// then a leading <c>!</c> marks an exclusion. A pattern that is just <c>!</c>, or that is not valid
    /// <c>filepath.Match</c> syntax, rejects the whole list.
    /// </summary>
    public static PatternMatcherResult Create(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var active = ImmutableArray.CreateBuilder<IgnorePattern>();
        var compiled = new List<CompiledPattern>();
        var index = -1;
        foreach (var raw in patterns)
        {
            index++;

            // .NET's Trim removes exactly the characters Go's unicode.IsSpace accepts (the Unicode
            // White_Space set), so this is strings.TrimSpace.
            var pattern = (raw ?? string.Empty).Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            // Clean runs before the "!" is split off, so "!a/../b" cleans as one path to "b" (not an
            // exclusion) and "!docs/" becomes "!docs". The rest after "!" is not trimmed again.
            pattern = GoPath.Clean(pattern);
            var isExclusion = pattern[0] == '!';
            if (isExclusion)
            {
                if (pattern.Length == 1)
                {
                    return PatternMatcherResult.Failure(new IgnorePatternError(
                        DiagnosticCodes.IgnoreLoneExclamation,
                        raw!,
                        index,
                        $"illegal exclusion pattern \"{raw}\": a lone \"!\" must be followed by a pattern"));
                }

                pattern = pattern[1..];
            }

            var compiledPattern = CompiledPattern.Compile(pattern, out var reason);
            if (compiledPattern is null)
            {
                return PatternMatcherResult.Failure(new IgnorePatternError(
                    DiagnosticCodes.IgnoreBadPattern,
                    raw!,
                    index,
                    $"syntax error in pattern \"{raw}\": {reason}"));
            }

            active.Add(new IgnorePattern(pattern, isExclusion));
            compiled.Add(compiledPattern);
        }

        return PatternMatcherResult.Success(new PatternMatcher(active.ToImmutable(), [.. compiled]));
    }

    /// <summary>
    /// True when <paramref name="path"/> is matched (excluded): the last pattern that applies wins, and a
    /// pattern applies when it matches the path or one of its parent directories. The path is used as given
    /// (not cleaned); its parents are the prefixes of Go's <c>filepath.Dir(path)</c>.
    /// </summary>
    public bool MatchesOrParentMatches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parent = GoPath.DirSpan(path);
        var checkParents = parent is not ".";
        var matched = false;
        for (var i = 0; i < compiled.Length; i++)
        {
            // An inclusion cannot change an already matched path and an exclusion cannot change an
            // unmatched one, so upstream does not even evaluate them.
            if (exclusion[i] != matched)
            {
                continue;
            }

            var pattern = compiled[i];
            if (pattern.Matches(path) || (checkParents && MatchesAnyPrefix(pattern, parent)))
            {
                matched = !exclusion[i];
            }
        }

        return matched;
    }

    /// <summary>
    /// The incremental form for a tree walk: <paramref name="parentInfo"/> is the result for the directory
    /// that directly contains <paramref name="path"/> (or <c>default</c> at the context root, or when unknown).
    /// A pattern that matched the parent is not evaluated again; every other pattern is tested against the
    /// path alone. The answer always equals <see cref="MatchesOrParentMatches"/>.
    /// <para>
    /// Unlike upstream's <c>MatchesUsingParentResults</c>, the per-pattern results are recorded for every
    /// pattern, including those skipped because they could not change this path's answer: upstream records
    /// those as "not matched", so with <c>["x", "!x/y", "x"]</c> it reports <c>x/y</c> as not ignored while
    /// <c>MatchesOrParentMatches</c> (and this method) report it ignored.
    /// </para>
    /// </summary>
    public PatternMatchInfo MatchesUsingParentResults(string path, PatternMatchInfo parentInfo)
    {
        ArgumentNullException.ThrowIfNull(path);
        var known = parentInfo.HasParentResults;
        if (known && !ReferenceEquals(parentInfo.Owner, this))
        {
            throw new ArgumentException("the parent's match info was produced by a different PatternMatcher", nameof(parentInfo));
        }

        var parent = known ? default : GoPath.DirSpan(path);
        var checkParents = !known && parent is not ".";
        var narrow = 0UL;
        var wide = compiled.Length > 64 ? new ulong[(compiled.Length - 64 + 63) / 64] : null;
        var matched = false;
        for (var i = 0; i < compiled.Length; i++)
        {
            var pattern = compiled[i];
            var hit = (known && parentInfo.PatternMatched(i))
                || pattern.Matches(path)
                || (checkParents && MatchesAnyPrefix(pattern, parent));
            if (!hit)
            {
                continue;
            }

            if (i < 64)
            {
                narrow |= 1UL << i;
            }
            else
            {
                wide![(i - 64) >> 6] |= 1UL << (i & 63);
            }

            if (exclusion[i] == matched)
            {
                matched = !exclusion[i];
            }
        }

        return new PatternMatchInfo(this, matched, narrow, wide);
    }

    /// <summary>
    /// Upstream splits the parent on "/" and tests each joined prefix: for <c>a/b/c</c> that is <c>a</c>,
    /// <c>a/b</c>, <c>a/b/c</c>; a rooted <c>/a</c> also yields the empty prefix. Slicing at each slash of
    /// the (clean) parent gives the same strings without allocating.
    /// </summary>
    private static bool MatchesAnyPrefix(CompiledPattern pattern, ReadOnlySpan<char> parent)
    {
        for (var k = 0; k < parent.Length; k++)
        {
            if (parent[k] == '/' && pattern.Matches(parent[..k]))
            {
                return true;
            }
        }

        return pattern.Matches(parent);
    }
}
