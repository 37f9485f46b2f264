using System.Runtime.InteropServices;

namespace Kiln.Cli;

/// <summary>
/// Ctrl-C and SIGTERM for the kiln process: the first one cancels the running command, which then cleans up
/// (kills the container, unmounts, releases locks) for as long as that takes; the process then exits with
/// 128 + the signal number (130, 143), as shells expect of a command a signal stopped. A second signal is left to
/// its default action, so an impatient user can still kill kiln at once (stale mounts are removed the next time).
/// </summary>
/// <remarks>
/// This replaces System.CommandLine's own handling (<c>ProcessTerminationTimeout</c>), which has two faults for
/// kiln: after its timeout (2 s by default) it returns while the command is still cleaning up, so the process can
/// exit with mounts left behind; and when the command does finish in time, the exit code is whatever the command
/// made of the cancellation (its default exception handler turns an <see cref="OperationCanceledException"/> into
/// 1, a command that swallows it returns 0), not 130.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    // Linux signal numbers (signal(7)); PosixSignal's enum values are .NET's own, not these.
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _received;

    private TerminationSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>128 + the number of the first signal received, or null when none came.</summary>
    public int? ExitCode => Volatile.Read(ref _received) is var signal and > 0 ? 128 + signal : null;

    public static TerminationSignals Register() => new();

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        var number = context.Signal == PosixSignal.SIGINT ? SigInt : SigTerm;
        if (Interlocked.CompareExchange(ref _received, number, 0) != 0)
        {
            return; // the second one: context.Cancel stays false, so the signal's default action ends the process
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
