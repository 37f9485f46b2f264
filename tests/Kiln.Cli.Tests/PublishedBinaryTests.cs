using System.Diagnostics;

namespace Kiln.Cli.Tests;

/// <summary>
/// The NativeAOT binary that <c>scripts/publish</c> writes to <c>artifacts/kiln</c>: later issues and
/// users rely on it, and trimming can break what the in-process tests cannot see.
/// </summary>
public sealed class PublishedBinaryTests
{
    private static readonly string Kiln = Repository.PathOf("artifacts", "kiln");

    [Fact]
    public void Prints_its_version()
    {
        var (exitCode, output, _) = Run("--version");

        Assert.Equal(0, exitCode);
        Assert.Equal("0.1.0", output.Trim());
    }

    [Fact]
    public void Checks_the_example()
    {
        var example = Repository.PathOf("examples", "go-operator");

        var (exitCode, output, error) = Run("build", "--check", "-f", Path.Combine(example, "Dockerfile"), example);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Check complete", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_Dockerfile_from_standard_input()
    {
        var (exitCode, _, error) = Run(["build", "--check", "-f", "-", Repository.PathOf("examples")], "FROM scratch\nCOPY --chmod=999 a b\n");

        Assert.Equal(1, exitCode);
        Assert.Contains(">>> COPY --chmod=999 a b", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => Run(args, null);

    private static (int ExitCode, string Output, string Error) Run(string[] args, string? input)
    {
        Assert.True(File.Exists(Kiln), $"{Kiln} is missing: run scripts/publish (scripts/test does)");
        var start = new ProcessStartInfo(Kiln)
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
        process.StandardInput.Write(input ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "kiln did not exit within 30 s");
        return (process.ExitCode, output.Result, error.Result);
    }
}
