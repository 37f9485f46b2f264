using System.Reflection;
using System.Runtime.InteropServices;
using Kiln.Build.Solver;

namespace Kiln.Cli.Rendering;

/// <summary>
/// A build that stopped on Kiln's own fault: said to be Kiln's, not the user's, with what a bug report needs (the
/// version, the platform, the step, the fault with its stack).
/// </summary>
internal static class InternalErrorRenderer
{
    public static void Render(TextWriter error, BuildInternalException failure)
    {
        var version = typeof(InternalErrorRenderer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        error.WriteLine($"ERROR: kiln build: {failure.Message}");
        error.WriteLine("This is a bug in Kiln, not a problem with the Dockerfile, the context or the images. Please report it with these lines:");
        error.WriteLine($"kiln {version}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
        error.WriteLine((failure.InnerException ?? failure).ToString());
    }
}
