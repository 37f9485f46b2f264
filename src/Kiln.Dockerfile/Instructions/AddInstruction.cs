using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

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
    ImmutableArray<string> Excludes) : Instruction, IFileInstruction
{
    public override string Keyword => "add";

    /// <summary>
    /// Expands sources, destination, <c>--chown</c>, <c>--chmod</c> (then validated), <c>--checksum</c> (then checked:
    /// one HTTP(S) or git source) and heredoc bodies whose delimiter was not quoted. <c>--exclude</c> is never expanded.
    /// </summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var (sources, contents, destination, chown, chmodText, chmod) = scope.FileFields(this);
        var checksum = scope.Optional(Checksum);
        if (checksum is { Length: > 0 } && !scope.HasErrors)
        {
            if (sources.Length != 1)
            {
                scope.Error(DiagnosticCodes.InvalidChecksumUse, "checksum can't be specified for multiple sources");
            }
            else if (!RemoteSource.IsRemote(sources[0]))
            {
                scope.Error(DiagnosticCodes.InvalidChecksumUse, $"checksum requires HTTP(S) or Git sources (got {sources[0]})");
            }
        }

        return scope.Result(this with
        {
            Sources = sources,
            SourceContents = contents,
            Destination = destination,
            Chown = chown,
            ChmodText = chmodText,
            Chmod = chmod,
            Checksum = checksum,
        });
    }
}
