using System.Diagnostics;

namespace Kiln.Cli.Tests.Run;

/// <summary>
/// Ctrl-C on the published binary (what users run): the command is cancelled, cleans up, and kiln exits
/// 128 + the signal number, as shells expect. Needs root, crun or runc, and <c>scripts/publish</c> (scripts/test runs it).
/// </summary>
public sealed class SignalExitTests
{
    [Theory]
    [InlineData("crun", "INT", 130)]
    [InlineData("runc", "INT", 130)]
    [InlineData("crun", "TERM", 143)]
    public void Run_stopped_by_a_signal_exits_128_plus_its_number_with_no_mounts_left(string runtime, string signal, int expected)
    {
        using var store = new BusyboxStore();

        var (exitCode, error) = InterruptWhileMounted(store, signal, "run", "--runtime", runtime, BusyboxStore.Image, "/bin/busybox", "sleep", "30");

        Assert.True(exitCode == expected, $"exit code {exitCode}, stderr: {error}");
        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void Build_interrupted_in_a_run_step_exits_130_with_no_mounts_left()
    {
        using var store = new BusyboxStore();
        var context = Path.Combine(store.Path, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {BusyboxStore.Image}\nRUN [\"/bin/busybox\", \"sleep\", \"30\"]\n");

        var (exitCode, error) = InterruptWhileMounted(store, "INT", "build", "--progress", "plain", "-t", "never:built", context);

        Assert.True(exitCode == 130, $"exit code {exitCode}, stderr: {error}");
        Assert.Empty(store.Mounts());
        Assert.DoesNotContain("never", store.Run("images").Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts the published kiln, waits until its container's root is mounted (and a moment for the runtime to
    /// start the process), sends the signal to kiln alone and returns its exit code and stderr.
    /// </summary>
    private static (int ExitCode, string Error) InterruptWhileMounted(BusyboxStore store, string signal, params string[] args)
    {
        var binary = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(binary), $"{binary} is missing: run scripts/publish (scripts/test does)");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in (string[])["--root", store.Path, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (store.Mounts().Count == 0)
        {
            if (process.HasExited)
            {
                Assert.Fail($"kiln exited ({process.ExitCode}) before mounting anything: {error.Result}");
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "kiln mounted nothing within 20 s");
            Thread.Sleep(20);
        }

        Thread.Sleep(1000);
        Assert.False(process.HasExited, "kiln exited before the signal");
        BusyboxStore.Exec("kill", $"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(process.WaitForExit(20_000), "kiln did not exit within 20 s of the signal (the container sleeps 30 s)");
        _ = output.Result;
        return (process.ExitCode, error.Result);
    }
}
