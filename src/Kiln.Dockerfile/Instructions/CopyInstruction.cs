using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]... src... dest</c>.
/// Heredoc sources are in <see cref="SourceContents"/>.
/// </summary>
/// <param name="ChmodText">The <c>--chmod</c> value as written; <see cref="Chmod"/> is its validated form, null until it can be validated (no flag, or a value that needs expansion).</param>
public sealed record CopyInstruction(
    ImmutableArray<string> Sources,
    ImmutableArray<HeredocSource> SourceContents,
    string Destination,
    string? From,
    string? Chown,
    Chmod? Chmod,
    string? ChmodText,
    bool Link,
    bool Parents,
    ImmutableArray<string> Excludes) : Instruction
{
    public override string Keyword => "copy";
}
