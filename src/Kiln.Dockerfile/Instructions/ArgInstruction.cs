using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>ARG name[=default] ...</c>; only default values are expanded, never names.</summary>
public sealed record ArgInstruction(ImmutableArray<ArgDeclaration> Args) : Instruction
{
    public override string Keyword => "arg";

    /// <summary>
    /// Expands every default value. The stage model decides whether a default is used at all (a
    /// <c>--build-arg</c> wins, and then BuildKit never evaluates the default).
    /// </summary>
    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        var args = Args.Select(a => a with { DefaultValue = scope.Optional(a.DefaultValue) }).ToImmutableArray();
        return scope.Result(this with { Args = args });
    }
}
