namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// What <see cref="DirectiveParser.ParseLine"/> made of one line: a directive, an error message
/// (a repeated directive), or neither (not a directive line).
/// </summary>
internal readonly record struct DirectiveLineResult(ParserDirective? Directive, string? Error);
