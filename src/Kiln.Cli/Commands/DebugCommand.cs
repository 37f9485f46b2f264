using System.CommandLine;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln debug</c>: views into Kiln's internals, for bug reports and conformance work.</summary>
internal static class DebugCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "The Dockerfile to parse" };
        var dumpAst = new Command("dump-ast", "Print the Dockerfile's syntax tree in BuildKit's AST dump format") { file };
        dumpAst.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (DockerfileSource.Read(".", path, error) is not { } source)
            {
                return ExitCodes.UserError;
            }

            var syntax = DockerfileParser.Parse(source.Text);
            new Rendering.DiagnosticRenderer(error).Render(source.DisplayName, source.Text, syntax.Diagnostics);
            if (syntax.HasErrors)
            {
                return ExitCodes.UserError;
            }

            output.WriteLine(AstDump.Dump(syntax));
            return ExitCodes.Success;
        });

        return new Command("debug", "Tools for looking inside Kiln") { dumpAst };
    }
}
