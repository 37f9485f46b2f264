using System.Diagnostics;

namespace Kiln.Content.Tests.Layers;

/// <summary>
/// Runs a real tool (GNU tar, stat, zstd). These are installed in CI and here; a missing tool fails the test with a
/// clear message instead of skipping it.
/// </summary>
internal static class Tool
{
    public static string Run(string workingDirectory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"required tool \"{file}\" is not installed (the tests need it, also in CI)", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? output.Result
                : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
