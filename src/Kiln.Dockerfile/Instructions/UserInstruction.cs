using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Instructions;

/// <summary><c>USER user[:group]</c>; stored as written (after expansion), checked only when a RUN uses it.</summary>
public sealed record UserInstruction(string User) : Instruction
{
    public override string Keyword => "user";

    /// <summary>The part before the first <c>:</c>.</summary>
    public string UserName => User.Split(':', 2)[0];

    /// <summary>The part after the first <c>:</c>, or null when no group was given.</summary>
    public string? Group => User.Split(':', 2) is [_, var group] ? group : null;

    public override InstructionExpansion Expand(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(expander);
        ArgumentNullException.ThrowIfNull(environment);
        var scope = new ExpansionScope(expander, environment, this);
        return scope.Result(this with { User = scope.Word(User) ?? User });
    }
}
