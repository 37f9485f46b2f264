using Kiln.Cli;

using var signals = TerminationSignals.Register();
StandardStreams.Install(signals.BrokenPipe);
var exitCode = KilnApp.Run(args, Console.Out, Console.Error, cancellationToken: signals.Token);

// Whatever the command made of the cancellation, a run a signal (or a reader that went away) stopped exits
// 128 + its number, after cleanup.
return signals.ExitCode ?? exitCode;
