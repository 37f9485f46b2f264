using System.Diagnostics.CodeAnalysis;

namespace Kiln.Dockerfile.Ignore;

/// <summary>The outcome of <see cref="PatternMatcher.Create"/>: a matcher, or the error that rejected the patterns.</summary>
public sealed record PatternMatcherResult
{
    private PatternMatcherResult(PatternMatcher? matcher, IgnorePatternError? error)
    {
        Matcher = matcher;
        Error = error;
    }

    public PatternMatcher? Matcher { get; }

    public IgnorePatternError? Error { get; }

    [MemberNotNullWhen(true, nameof(Matcher))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Matcher is not null;

    internal static PatternMatcherResult Success(PatternMatcher matcher) => new(matcher, null);

    internal static PatternMatcherResult Failure(IgnorePatternError error) => new(null, error);
}
