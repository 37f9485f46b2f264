namespace Kiln.Dockerfile.Ignore;

/// <summary>
/// How a compiled pattern is tested. Upstream picks a string fast path whenever the pattern allows it, and
/// the fast paths are observable: <c>**foo</c> (suffix) matches <c>xfoo</c>, which the general glob would not.
/// </summary>
internal enum MatchKind
{
    /// <summary>No wildcard, escape or bracket: the path must equal the cleaned pattern.</summary>
    Exact,

    /// <summary><c>prefix**</c> with a literal prefix: a plain prefix test (<c>abc/**</c> does not match <c>abc</c>).</summary>
    Prefix,

    /// <summary><c>**suffix</c> with a literal suffix: a plain suffix test; <c>**/foo</c> also matches <c>foo</c>.</summary>
    Suffix,

    /// <summary>Anything else: the glob tokens, matched against the whole path.</summary>
    Glob,
}
