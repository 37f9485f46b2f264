using Kiln.Dockerfile.Instructions;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Build.Ports.Adapters;

/// <summary>RUN through crun or runc (<see cref="ContainerRunner"/>) in the step's <see cref="Sandbox"/>, which <see cref="SandboxSnapshotter"/> made.</summary>
public sealed class SandboxExecutor(ContainerRunner runner) : IExecutor
{
    public Task<int> RunAsync(ExecRequest request, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        var sandbox = (request.Root as SandboxMount)?.Sandbox
            ?? throw new ArgumentException("the root was not mounted by the sandbox snapshotter", nameof(request));
        var run = new SandboxRun
        {
            Args = request.Args,
            Env = request.Env,
            User = request.User,
            WorkingDirectory = request.WorkingDir,
            Hostname = request.Hostname,
            Network = request.Network == RunNetwork.None ? NetworkMode.None : NetworkMode.Host,
            Files = [.. (request.Files.IsDefault ? [] : request.Files).Select(f => new ContainerFile(f.Path, f.Content, f.Mode))],
        };
        return sandbox.RunAsync(runner, run, new ContainerIo { OnLine = (_, line) => output(line) }, cancellationToken);
    }
}
