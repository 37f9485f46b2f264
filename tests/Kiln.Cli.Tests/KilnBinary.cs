using System.Diagnostics;

namespace Kiln.Cli.Tests;

/// <summary>
/// Runs the NativeAOT binary that <c>scripts/publish</c> writes to <c>artifacts/kiln</c> (scripts/test
/// publishes it first): what users run, and where trimming could break what in-process tests cannot see.
/// </summary>
internal static class KilnBinary
{
    private static readonly string Path = Repository.PathOf("artifacts", "kiln");

    public static CliRun Run(params string[] args) => RunWithInput(args, (string?)null);

    public static CliRun RunWithInput(string[] args, string? input) => RunWithInput(args, System.Text.Encoding.UTF8.GetBytes(input ?? string.Empty));

    public static CliRun RunWithInput(string[] args, byte[] input)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: run scripts/publish (scripts/test does)");
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "kiln did not exit within 30 s");
        return new CliRun(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
