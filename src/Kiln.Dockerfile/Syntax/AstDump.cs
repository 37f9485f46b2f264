using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// BuildKit's <c>Node.Dump()</c> s-expression form, the format of the parser conformance <c>result</c> files
/// and of <c>kiln debug dump-ast</c>: one <c>(keyword "arg" ...)</c> line per instruction, keyword lower-cased,
/// flags as Go's <c>%q</c> of a string slice, arguments through Go's <c>strconv.Quote</c>, ONBUILD's wrapped
/// instruction in parentheses. Heredoc bodies are not part of the dump.
/// </summary>
public static class AstDump
{
    /// <summary>The dump of the root node (no trailing newline; the conformance files add one).</summary>
    public static string Dump(DockerfileSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var sb = new StringBuilder();
        foreach (var instruction in syntax.Instructions)
        {
            sb.Append('(');
            AppendInstruction(sb, instruction);
            sb.Append(")\n");
        }

        // The root's own value is empty, so Go's TrimSpace only removes the last newline.
        return TrimSpace(sb, 0);
    }

    /// <summary>The dump of one instruction node, without the surrounding parentheses.</summary>
    public static string Dump(InstructionSyntax instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        var sb = new StringBuilder();
        AppendInstruction(sb, instruction);
        return sb.ToString();
    }

    private readonly record struct Frame(InstructionSyntax Node, int NextArgument, int Start, bool Parenthesized);

    /// <summary>
    /// Upstream recurses into ONBUILD children; nesting depth is unbounded here (continuation lines can make an
    /// instruction arbitrarily long), so the walk keeps its own stack. Each node's text is trimmed like Go's
    /// <c>strings.TrimSpace</c> once its arguments are done.
    /// </summary>
    private static void AppendInstruction(StringBuilder sb, InstructionSyntax root)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame(root, 0, sb.Length, false));
        AppendHead(sb, root);
        while (stack.Count > 0)
        {
            var frame = stack.Pop();
            if (frame.NextArgument < frame.Node.Arguments.Length)
            {
                var argument = frame.Node.Arguments[frame.NextArgument];
                stack.Push(frame with { NextArgument = frame.NextArgument + 1 });
                sb.Append(' ');
                if (argument.Child is { } child)
                {
                    // Go: " " + n.Dump(), where n (empty value) has the child as its only child: "(" + dump + ")\n", trimmed.
                    sb.Append('(');
                    stack.Push(new Frame(child, 0, sb.Length, true));
                    AppendHead(sb, child);
                }
                else
                {
                    GoQuote.AppendQuoted(sb, argument.Value);
                }

                continue;
            }

            TrimInPlace(sb, frame.Start);
            if (frame.Parenthesized)
            {
                sb.Append(')');
            }
        }
    }

    private static void AppendHead(StringBuilder sb, InstructionSyntax node)
    {
        sb.Append(node.Keyword.ToLowerInvariant());
        if (node.Flags.Length > 0)
        {
            sb.Append(" [");
            for (var i = 0; i < node.Flags.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                GoQuote.AppendQuoted(sb, node.Flags[i]);
            }

            sb.Append(']');
        }
    }

    private static void TrimInPlace(StringBuilder sb, int start)
    {
        var end = sb.Length;
        while (end > start && GoText.IsSpace(sb[end - 1]))
        {
            end--;
        }

        sb.Length = end;
        var leading = 0;
        while (start + leading < sb.Length && GoText.IsSpace(sb[start + leading]))
        {
            leading++;
        }

        if (leading > 0)
        {
            sb.Remove(start, leading);
        }
    }

    private static string TrimSpace(StringBuilder sb, int start)
    {
        TrimInPlace(sb, start);
        return sb.ToString();
    }
}
