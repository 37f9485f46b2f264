namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// A COPY/ADD source given as a heredoc (<c>COPY &lt;&lt;EOF /dst</c>): a file named <see cref="Path"/>
/// (the delimiter) holding <see cref="Data"/> (already chomped for <c>&lt;&lt;-</c>).
/// <see cref="Expand"/> is false when the delimiter was quoted; then the body is never expanded.
/// </summary>
public sealed record HeredocSource(string Path, string Data, bool Expand);
