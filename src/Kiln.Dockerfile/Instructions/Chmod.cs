namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// A validated <c>--chmod</c> value: octal (<c>755</c>, <c>0644</c>, at most <c>07777</c>; then
/// <see cref="Mode"/> is set) or symbolic (<c>u+x,go-w</c>, <c>a=rX</c>; then <see cref="Mode"/> is null
/// and <see cref="Text"/> is applied per file, as BuildKit's <c>ModeStr</c>).
/// </summary>
public sealed record Chmod(string Text, int? Mode)
{
    public bool IsSymbolic => Mode is null;
}
