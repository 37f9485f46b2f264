using System.CommandLine;
using System.Text;
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
            string text;
            try
            {
                text = new UTF8Encoding(false).GetString(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"ERROR: failed to read {path}: {e.Message}");
                return ExitCodes.UserError;
            }

            var syntax = DockerfileParser.Parse(text);
            new Rendering.DiagnosticRenderer(error).Render(Path.GetFileName(path), text, syntax.Diagnostics);
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
