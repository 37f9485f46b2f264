using System.Collections.Immutable;

namespace Kiln.Dockerfile.Syntax;

/// <summary>The argument nodes one instruction's rest of line splits into, or an error (code and BuildKit-like message).</summary>
internal sealed record ArgumentParseResult(ImmutableArray<ArgumentSyntax> Arguments, bool IsJson, string? ErrorCode, string? Error)
{
    public static ArgumentParseResult None { get; } = new([], false, null, null);

    public bool IsError => Error is not null;

    public static ArgumentParseResult Of(IEnumerable<string> values, bool isJson = false) =>
        new([.. values.Select(v => new ArgumentSyntax(v))], isJson, null, null);

    public static ArgumentParseResult Failure(string code, string message) => new([], false, code, message);
}
