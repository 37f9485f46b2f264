using System.Collections.Concurrent;
using System.Globalization;
using Kiln.Build.Ports;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>
/// Runs nothing: the command's last argument says what to pretend. <c>sleep S</c> waits S seconds (and changes nothing),
/// <c>meet N</c> returns once N runs are inside <c>meet</c> at the same time (and exits 1 if they are not within 30 s),
/// <c>fail N</c> prints two lines and exits N, <c>oom</c> is killed by the OOM killer (137), <c>forkfail</c> exits 2
/// after its pids limit refused 3 forks, <c>bug</c> throws as a broken part of Kiln would, anything else prints one
/// line and changes the root.
/// </summary>
internal sealed class FakeExecutor : IExecutor
{
    private readonly TaskCompletionSource _everyoneMet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public ConcurrentQueue<ExecRequest> Runs { get; } = new();

    public ConcurrentQueue<string> Canceled { get; } = new();

    public async Task<ExecResult> RunAsync(ExecRequest request, Action<string> output, CancellationToken cancellationToken)
    {
        Runs.Enqueue(request);
        var command = request.Args[^1];
        var words = command.Split(' ');
        var mount = (FakeMount)request.Root;
        switch (words[0])
        {
            case "sleep":
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(double.Parse(words[1], CultureInfo.InvariantCulture)), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Canceled.Enqueue(command);
                    throw;
                }

                return new ExecResult(0);
            case "meet":
                // Runs that meet overlap in time: that proves parallelism without reading a clock on a busy machine.
                var expected = int.Parse(words[1], CultureInfo.InvariantCulture);
                if (Interlocked.Increment(ref _arrived) == expected)
                {
                    _everyoneMet.TrySetResult();
                }

                try
                {
                    await _everyoneMet.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                }
                catch (TimeoutException)
                {
                    output($"{Volatile.Read(ref _arrived)} of {expected} runs met");
                    return new ExecResult(1);
                }

                return new ExecResult(0);
            case "oom":
                return new ExecResult(137) { OomKills = 1 };
            case "forkfail":
                output("sh: can't fork: Resource temporarily unavailable");
                return new ExecResult(2) { ForksRefused = 3, PidsLimit = request.Resources.PidsLimit ?? 4915 };
            case "bug":
                throw new InvalidOperationException("a broken invariant");
            case "fail":
                output("compiling...");
                output("main.go:3: undefined: foo");
                return new ExecResult(int.Parse(words[1], CultureInfo.InvariantCulture));
            default:
                output($"ran {command}");
                break;
        }

        mount.Changes.Enqueue($"run {command}");
        return new ExecResult(0);
    }
}
