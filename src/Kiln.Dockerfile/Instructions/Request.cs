using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>parseRequest</c>: the pieces of one instruction the per-instruction parsers need,
/// plus the diagnostics found so far.
/// </summary>
internal sealed class Request
{
    public Request(InstructionSyntax syntax)
    {
        Syntax = syntax;
        Args = syntax.Arguments.IsDefault ? [] : NodeArgs(syntax);
        Flags = new InstructionFlags(syntax.Flags.IsDefault ? [] : syntax.Flags);
    }

    public InstructionSyntax Syntax { get; }

    /// <summary>The argument values (BuildKit's <c>nodeArgs</c>: a wrapped instruction contributes its keyword and arguments).</summary>
    public IReadOnlyList<string> Args { get; }

    public InstructionFlags Flags { get; }

    public List<Diagnostic> Diagnostics { get; } = [];

    public SourceSpan Span => Syntax.Span;

    public string Original => Syntax.Original;

    public ImmutableArray<Heredoc> Heredocs => Syntax.Heredocs;

    public bool ParseFlags()
    {
        var problem = Flags.Parse(Span);
        if (problem is null)
        {
            return true;
        }

        Diagnostics.Add(problem);
        return false;
    }

    public Instruction? Fail(string code, string message)
    {
        Diagnostics.Add(Diagnostic.Error(code, message, Span));
        return null;
    }

    /// <summary>Some instructions never parse their flags in BuildKit, which then ignores them silently; we say so.</summary>
    public void WarnIgnoredFlags(string command)
    {
        if (Flags.HasAny)
        {
            Diagnostics.Add(Diagnostic.Warning(
                DiagnosticCodes.FlagsIgnored,
                $"{command} takes no flags; ignoring {string.Join(' ', Syntax.Flags)}",
                Span));
        }
    }

    private static List<string> NodeArgs(InstructionSyntax syntax)
    {
        var result = new List<string>();
        foreach (var argument in syntax.Arguments)
        {
            if (argument.Child is null)
            {
                result.Add(argument.Value);
            }
            else
            {
                result.Add(argument.Child.Keyword);
                result.AddRange(NodeArgs(argument.Child));
            }
        }

        return result;
    }
}
