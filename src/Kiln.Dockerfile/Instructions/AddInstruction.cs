using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>ADD [--chown] [--chmod] [--link] [--keep-git-dir] [--checksum] [--unpack] [--exclude]... src... dest</c>.
/// Sources may be local paths, URLs or git references; heredoc sources are in <see cref="SourceContents"/>.
/// </summary>
/// <param name="Unpack">null when <c>--unpack</c> was not given (BuildKit then unpacks local archives but not URLs).</param>
public sealed record AddInstruction(
    ImmutableArray<string> Sources,
    ImmutableArray<HeredocSource> SourceContents,
    string Destination,
    string? Chown,
    Chmod? Chmod,
    string? ChmodText,
    bool Link,
    bool KeepGitDir,
    string? Checksum,
    bool? Unpack,
    ImmutableArray<string> Excludes) : Instruction
{
    public override string Keyword => "add";
}
