namespace Kiln.Build.Ports;

/// <summary>Runs a RUN step's process in a sandbox (an OCI runtime) on a mounted root.</summary>
public interface IExecutor
{
    /// <param name="output">Called with each line the process writes (stdout and stderr, without the newline), from any thread.</param>
    /// <returns>The process's exit code, and what its limits did to it.</returns>
    Task<ExecResult> RunAsync(ExecRequest request, Action<string> output, CancellationToken cancellationToken);
}
