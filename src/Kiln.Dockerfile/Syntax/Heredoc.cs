namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// A heredoc body (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>3&lt;&lt;"EOF"</c>).
/// </summary>
/// <param name="Name">The delimiter, quotes removed.</param>
/// <param name="Content">The raw body, every line with its newline; tabs are not stripped here even when <paramref name="Chomp"/> is set.</param>
/// <param name="Expand">False when any part of the delimiter word was quoted: the body is then taken literally.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-</c>: leading tabs are removed from each line when the body is used.</param>
/// <param name="FileDescriptor">The number before <c>&lt;&lt;</c>, 0 when none was written.</param>
public sealed record Heredoc(string Name, string Content, bool Expand, bool Chomp, uint FileDescriptor);
