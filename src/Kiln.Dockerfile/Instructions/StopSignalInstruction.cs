using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>STOPSIGNAL signal</c>; expanded, then checked (a positive number, or a name with or without <c>SIG</c>).</summary>
public sealed record StopSignalInstruction(string Signal) : Instruction
{
    public override string Keyword => "stopsignal";

    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var signal = scope.Word(Signal);
        if (signal is not null && !SignalNames.IsValid(signal))
        {
            scope.Error(
                DiagnosticCodes.InvalidSignal,
                SpellingSuggester.WithSuggestion($"invalid signal: {signal}", signal.ToUpperInvariant(), SignalNames.All.Select(n => "SIG" + n)));
        }

        return scope.Result(this with { Signal = signal ?? Signal });
    }
}
