using Kiln.Cli;

using var signals = TerminationSignals.Register();
var exitCode = KilnApp.Run(args, Console.Out, Console.Error, cancellationToken: signals.Token);

// Whatever the command made of the cancellation, a run a signal stopped exits 128 + its number, after cleanup.
return signals.ExitCode ?? exitCode;
