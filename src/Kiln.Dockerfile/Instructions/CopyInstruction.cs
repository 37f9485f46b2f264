using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

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
    ImmutableArray<string> Excludes) : Instruction, IFileInstruction
{
    public override string Keyword => "copy";

    /// <summary>
    /// Expands sources, destination, <c>--chown</c>, <c>--chmod</c> (then validated) and heredoc bodies whose
    /// delimiter was not quoted. <c>--from</c> must not change under expansion: BuildKit refuses variables there.
    /// <c>--exclude</c> patterns are never expanded.
    /// </summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var (sources, contents, destination, chown, chmodText, chmod) = scope.FileFields(this);
        if (From is not null && scope.Word(From) is { } from && !string.Equals(from, From, StringComparison.Ordinal))
        {
            scope.Error(
                DiagnosticCodes.CopyFromVariable,
                $"variable expansion is not supported for --from ({From}), define a new stage with FROM using ARG from global scope as a workaround");
        }

        return scope.Result(this with
        {
            Sources = sources,
            SourceContents = contents,
            Destination = destination,
            Chown = chown,
            ChmodText = chmodText,
            Chmod = chmod,
        });
    }
}
