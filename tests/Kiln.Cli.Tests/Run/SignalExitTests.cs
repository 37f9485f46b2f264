using System.Diagnostics;
using System.Globalization;
using Kiln.Runtime.Linux.Containers;

namespace Kiln.Cli.Tests.Run;

/// <summary>
/// A signal that ends a process by default, on the published binary (what users run): the command is cancelled,
/// cleans up (no container, no runtime state, no mount left), and kiln exits 128 + the signal number, as shells
/// expect. A reader that goes away (<c>kiln build ... 2&gt;&amp;1 | head -1</c>) is SIGPIPE's case: the next write
/// fails, and kiln ends as if SIGPIPE had stopped it, after the same cleanup. Needs root, crun and runc, and
/// <c>scripts/publish</c> (scripts/test runs it).
/// </summary>
public sealed class SignalExitTests
{
    [Theory]
    [InlineData("crun", "INT", 130)]
    [InlineData("runc", "INT", 130)]
    [InlineData("crun", "TERM", 143)]
    [InlineData("crun", "HUP", 129)]
    [InlineData("runc", "QUIT", 131)]
    public void Run_stopped_by_a_signal_exits_128_plus_its_number_with_no_mounts_left(string runtime, string signal, int expected)
    {
        using var store = new BusyboxStore();
        var seconds = UniqueSleep();

        using var kiln = Start(store, "run", "--runtime", runtime, BusyboxStore.Image, "/bin/busybox", "sleep", seconds);
        WaitUntilRunning(store, kiln, seconds);
        BusyboxStore.Exec("kill", $"-{signal}", kiln.Process.Id.ToString(CultureInfo.InvariantCulture));
        var exitCode = kiln.WaitForExit();

        Assert.True(exitCode == expected, $"exit code {exitCode}, stderr: {kiln.Error}");
        AssertNothingLeft(store, runtime, seconds);
    }

    [Theory]
    [InlineData("crun", "HUP", 129)]
    [InlineData("runc", "HUP", 129)]
    [InlineData("crun", "INT", 130)]
    [InlineData("runc", "INT", 130)]
    [InlineData("crun", "QUIT", 131)]
    [InlineData("runc", "QUIT", 131)]
    [InlineData("crun", "TERM", 143)]
    [InlineData("runc", "TERM", 143)]
    public void Build_stopped_by_a_signal_in_a_run_step_exits_128_plus_its_number_and_leaves_nothing(string runtime, string signal, int expected)
    {
        using var store = new BusyboxStore();
        var seconds = UniqueSleep();
        var context = Context(store, $"RUN [\"/bin/busybox\", \"sleep\", \"{seconds}\"]");

        using var kiln = Start(store, "build", "--runtime", runtime, "--progress", "plain", "-t", "never:built", context);
        WaitUntilRunning(store, kiln, seconds);
        BusyboxStore.Exec("kill", $"-{signal}", kiln.Process.Id.ToString(CultureInfo.InvariantCulture));
        var exitCode = kiln.WaitForExit();

        Assert.True(exitCode == expected, $"exit code {exitCode}, stderr: {kiln.Error}");
        AssertNothingLeft(store, runtime, seconds);
        Assert.DoesNotContain("never", store.Run("images").Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Build_whose_progress_reader_goes_away_exits_141_and_leaves_nothing(string runtime)
    {
        using var store = new BusyboxStore();
        var seconds = UniqueSleep();

        // The step prints a line every 0.2 s for as long as it runs: the first line after the reader is gone fails.
        var context = Context(store, $"RUN [\"/bin/sh\", \"-c\", \"/bin/busybox sleep {seconds} & while :; do echo tick; /bin/busybox sleep 0.2; done\"]");
        using var kiln = Start(store, readOutput: true, readError: false, "build", "--runtime", runtime, "--progress", "plain", "-t", "never:built", context);
        WaitUntilRunning(store, kiln, seconds);
        kiln.CloseError();
        var exitCode = kiln.WaitForExit();

        Assert.Equal(141, exitCode);
        AssertNothingLeft(store, runtime, seconds);
        Assert.DoesNotContain("never", store.Run("images").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_to_standard_output_whose_reader_goes_away_exits_141()
    {
        using var store = new BusyboxStore();
        using var kiln = Start(store, readOutput: false, readError: true, "save", "-o", "-", BusyboxStore.Image);

        // A few bytes, then the reader leaves: the archive (megabytes) does not fit in the pipe.
        var first = new byte[16];
        kiln.Process.StandardOutput.BaseStream.ReadExactly(first);
        kiln.Process.StandardOutput.Close();
        var exitCode = kiln.WaitForExit();

        Assert.Equal(141, exitCode);
    }

    /// <summary>A sleep no other test runs, so that its process can be looked for.</summary>
    private static string UniqueSleep() => Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    private static string Context(BusyboxStore store, string step)
    {
        var context = Path.Combine(store.Path, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {BusyboxStore.Image}\n{step}\n");
        return context;
    }

    private static RunningKiln Start(BusyboxStore store, params string[] args) => Start(store, readOutput: true, readError: true, args);

    private static RunningKiln Start(BusyboxStore store, bool readOutput, bool readError, params string[] args)
    {
        var binary = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(binary), $"{binary} is missing: run scripts/publish (scripts/test does)");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in (string[])["--root", store.Path, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        return new RunningKiln(Process.Start(start)!, readOutput, readError);
    }

    /// <summary>Waits until the container's process (the unique sleep) runs under a mount of this store.</summary>
    private static void WaitUntilRunning(BusyboxStore store, RunningKiln kiln, string seconds)
    {
        var deadline = Stopwatch.StartNew();
        while (store.Mounts().Count == 0 || SleepProcesses(seconds).Count == 0)
        {
            if (kiln.Process.HasExited)
            {
                Assert.Fail($"kiln exited ({kiln.Process.ExitCode}) before its container ran: {kiln.Error}");
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the container did not start within 30 s");
            Thread.Sleep(20);
        }
    }

    /// <summary>No mount under the store, no container of the store in the runtime's state, no process of the step.</summary>
    private static void AssertNothingLeft(BusyboxStore store, string runtime, string seconds)
    {
        Assert.Empty(store.Mounts());
        var state = Path.Combine("/run/kiln", runtime);
        var prefix = Sandbox.ContainerIdPrefix(Path.Combine(store.Path, "snapshots", "mounts"));
        Assert.Empty(Directory.Exists(state) ? Directory.GetDirectories(state, prefix + "*") : []);

        // The runtime reaps the killed processes a moment after kiln is told they are dead.
        var deadline = Stopwatch.StartNew();
        while (SleepProcesses(seconds).Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(50);
        }

        Assert.Empty(SleepProcesses(seconds));
    }

    /// <summary>Processes whose command line is "... sleep SECONDS".</summary>
    private static List<int> SleepProcesses(string seconds)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (arguments.Length >= 2 && arguments.Contains("sleep") && arguments.Contains(seconds)
                    && Array.IndexOf(arguments, seconds) == Array.IndexOf(arguments, "sleep") + 1)
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        return found;
    }

    /// <summary>The published kiln, running; its stdout and stderr are read in the background unless the test reads one itself.</summary>
    private sealed class RunningKiln : IDisposable
    {
        private readonly Task<string>? _error;

        public RunningKiln(Process process, bool readOutput, bool readError)
        {
            Process = process;
            process.StandardInput.Close();
            if (readOutput)
            {
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            }

            _error = readError ? process.StandardError.ReadToEndAsync() : null;
        }

        public Process Process { get; }

        public string Error => _error is { IsCompleted: true } ? _error.Result : "(not read)";

        /// <summary>Closes the read end of kiln's stderr (nothing reads it): its next write there fails with EPIPE.</summary>
        public void CloseError() => Process.StandardError.Close();

        public int WaitForExit()
        {
            Assert.True(Process.WaitForExit(30_000), $"kiln did not exit within 30 s: {Error}");
            Process.WaitForExit();
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
