using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

/// <summary>Parses one hand-built instruction and expands it with the real shell-word expander.</summary>
internal static class Expand
{
    private static readonly ShellWordExpander Expander = new();

    public static ImmutableDictionary<string, string> Env(params (string Name, string Value)[] pairs) =>
        pairs.ToImmutableDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    public static InstructionExpansion Run(Kiln.Dockerfile.Syntax.InstructionSyntax syntax, IReadOnlyDictionary<string, string> env)
    {
        var parsed = InstructionParser.Parse(syntax);
        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Diagnostics));
        return parsed.Instruction!.Expand(Expander, env);
    }

    public static T Ok<T>(Kiln.Dockerfile.Syntax.InstructionSyntax syntax, IReadOnlyDictionary<string, string> env)
        where T : Instruction
    {
        var expansion = Run(syntax, env);
        Assert.True(expansion.Succeeded, string.Join("; ", expansion.Diagnostics));
        return Assert.IsType<T>(expansion.Instruction);
    }

    public static void Fails(Kiln.Dockerfile.Syntax.InstructionSyntax syntax, IReadOnlyDictionary<string, string> env, string code, string contains)
    {
        var expansion = Run(syntax, env);
        Assert.False(expansion.Succeeded);
        var error = Assert.Single(expansion.Diagnostics, d => d.IsError);
        Assert.Equal(code, error.Code);
        Assert.Contains(contains, error.Message, StringComparison.Ordinal);
        Assert.Equal(Syntax.Span, error.Span);
    }
}
