namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// <see cref="HeredocParser.ParseHeredoc"/>'s answer: a heredoc, an error (the word looks like a heredoc
/// marker but its delimiter cannot be lexed), or neither (not a heredoc marker).
/// </summary>
internal readonly record struct HeredocParseResult(Heredoc? Heredoc, string? Error);
