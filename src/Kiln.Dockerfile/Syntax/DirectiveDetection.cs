namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// A directive found by <see cref="DirectiveParser.DetectSyntax"/> or <see cref="DirectiveParser.ParseDirective"/>.
/// </summary>
/// <param name="Ref">The value up to its first space (for <c>syntax</c>, the frontend image reference).</param>
/// <param name="Cmdline">The whole value.</param>
/// <param name="Line">1-based line of the directive (a skipped <c>#!</c> line counts); for the JSON form, BuildKit reports the line before the object (0 without a shebang).</param>
internal sealed record DirectiveDetection(string Ref, string Cmdline, int Line);
