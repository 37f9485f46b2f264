using System.Runtime.InteropServices;

namespace Kiln.Cli;

/// <summary>
/// The signals whose default action ends a process (SIGHUP, SIGINT, SIGQUIT, SIGTERM, and SIGPIPE, see
/// <see cref="BrokenPipe"/>): the first one cancels the running command, which then cleans up (kills the container,
/// unmounts, releases locks) for as long as that takes; the process then exits with 128 + the signal number (129,
/// 130, 131, 141, 143), as shells expect of a command a signal stopped. A second signal is left to its default
/// action, so an impatient user can still kill kiln at once (stale mounts and containers are removed the next time).
/// </summary>
/// <remarks>
/// This replaces System.CommandLine's own handling (<c>ProcessTerminationTimeout</c>), which has two faults for
/// kiln: after its timeout (2 s by default) it returns while the command is still cleaning up, so the process can
/// exit with mounts left behind; and when the command does finish in time, the exit code is whatever the command
/// made of the cancellation (its default exception handler turns an <see cref="OperationCanceledException"/> into
/// 1, a command that swallows it returns 0), not 130. A signal not registered here would end kiln at once (SIGHUP,
/// when the terminal closes) or be ignored by .NET (SIGQUIT), leaving the RUN's container running.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    // Linux signal numbers (signal(7)); PosixSignal's enum values are .NET's own, not these.
    private const int SigHup = 1;
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private const int SigPipe = 13;
    private const int SigTerm = 15;

    private static readonly (PosixSignal Signal, int Number)[] Handled =
    [
        (PosixSignal.SIGHUP, SigHup), (PosixSignal.SIGINT, SigInt), (PosixSignal.SIGQUIT, SigQuit), (PosixSignal.SIGTERM, SigTerm),
    ];

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private TerminationSignals()
    {
        _registrations = [.. Handled.Select(h => PosixSignalRegistration.Create(h.Signal, OnSignal))];
    }

    /// <summary>Cancelled by the first terminating signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>128 + the number of the first signal received, or null when none came.</summary>
    public int? ExitCode => Volatile.Read(ref _received) is var signal and > 0 ? 128 + signal : null;

    public static TerminationSignals Register() => new();

    /// <summary>
    /// A write to standard output or error failed because nobody reads the pipe any more. .NET ignores SIGPIPE (so
    /// that a socket's peer cannot kill the process), which would let kiln go on with its whole build writing into
    /// nothing; a command that is not told so would be killed by SIGPIPE, so kiln ends as if it had been, after
    /// cleaning up.
    /// </summary>
    public void BrokenPipe() => Receive(SigPipe);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        var number = Array.Find(Handled, h => h.Signal == context.Signal).Number;

        // The second one: context.Cancel stays false, so the signal's default action ends the process.
        context.Cancel = Receive(number);
    }

    /// <summary>Cancels the command on the first signal; false for every later one.</summary>
    private bool Receive(int number)
    {
        if (Interlocked.CompareExchange(ref _received, number, 0) != 0)
        {
            return false;
        }

        _cancellation.Cancel();
        return true;
    }
}
