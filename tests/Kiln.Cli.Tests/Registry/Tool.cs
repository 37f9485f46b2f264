using System.Diagnostics;

namespace Kiln.Cli.Tests.Registry;

/// <summary>The real tools these tests check against (skopeo, GNU tar, openssl). They are installed here and in CI: a missing one fails.</summary>
internal static class Tool
{
    public static string Require(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is required by this test (scripts/setup installs it; so does CI)");

    /// <param name="timeout">How long the tool may take; 2 minutes when null.</param>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }
}
