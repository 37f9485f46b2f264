using Kiln.Build.Solver;

namespace Kiln.Cli.Rendering;

/// <summary>
/// A failed build as BuildKit shows one: the failing step and its last lines of output between rulers, then
/// the Dockerfile excerpt and the error (through <see cref="DiagnosticRenderer"/>).
/// </summary>
internal static class BuildFailureRenderer
{
    public static void Render(TextWriter error, string fileName, string source, BuildFailedException failure)
    {
        if (failure.Step is { } step)
        {
            error.WriteLine("------");
            error.WriteLine($" > {step}:");
            foreach (var line in failure.OutputTail)
            {
                error.WriteLine(line);
            }

            error.WriteLine("------");
        }

        if (failure.Diagnostics.IsDefaultOrEmpty)
        {
            error.WriteLine($"ERROR: {failure.Message}");
            return;
        }

        new DiagnosticRenderer(error).Render(fileName, source, failure.Diagnostics);
    }
}
