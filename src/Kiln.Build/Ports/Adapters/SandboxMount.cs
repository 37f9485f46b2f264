using Kiln.Runtime.Linux.Containers;

namespace Kiln.Build.Ports.Adapters;

/// <summary>A step's writable root: a <see cref="Sandbox"/> (shared lower snapshots, a fresh upper), which the executor runs in and the differ reads.</summary>
internal sealed class SandboxMount(Sandbox sandbox) : IRootfsMount
{
    public Sandbox Sandbox { get; } = sandbox;

    public string RootPath => Sandbox.RootPath;

    public ValueTask DisposeAsync()
    {
        Sandbox.Dispose();
        return ValueTask.CompletedTask;
    }
}
