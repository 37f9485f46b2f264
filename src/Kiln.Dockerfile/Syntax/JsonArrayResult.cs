using System.Collections.Immutable;

namespace Kiln.Dockerfile.Syntax;

/// <summary>The outcome of parsing an exec-form argument list; <see cref="Values"/> is set only for <see cref="JsonArrayOutcome.StringArray"/>.</summary>
internal sealed record JsonArrayResult(JsonArrayOutcome Outcome, ImmutableArray<string> Values)
{
    /// <summary>BuildKit's <c>errDockerfileNotStringArray</c> text.</summary>
    public const string NotStringArrayMessage = "when using JSON array syntax, arrays must be comprised of strings only";
}
