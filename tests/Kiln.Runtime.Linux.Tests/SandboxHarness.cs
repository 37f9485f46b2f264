using System.Collections.Immutable;
using System.Text;
using Kiln.Content.Images;
using Kiln.Runtime.Linux.Containers;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>Runs commands in sandboxes of the busybox image and collects their output.</summary>
internal static class SandboxHarness
{
    public static async Task<Sandbox> CreateAsync(TestStore store, LocalImage image, CancellationToken cancellationToken = default) =>
        await Sandbox.CreateAsync(store.Snapshots, store.Content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, cancellationToken);

    public static async Task<RunOutput> RunAsync(Sandbox sandbox, string runtime, SandboxRun run, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var lines = new List<string>();
        var io = new ContainerIo
        {
            OnOutput = (channel, bytes, _) =>
            {
                lock (stdout)
                {
                    (channel == OutputChannel.Stdout ? stdout : stderr).Append(Encoding.UTF8.GetString(bytes.Span));
                }

                return ValueTask.CompletedTask;
            },
            OnLine = (channel, line) =>
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            },
        };
        var runner = new ContainerRunner(OciRuntime.Locate(runtime));
        var exit = await sandbox.RunAsync(runner, run, io, cancellationToken);
        return new RunOutput(exit.Code, stdout.ToString(), stderr.ToString(), [.. lines]) { OomKills = exit.OomKills, ForksRefused = exit.ForksRefused };
    }

    public static SandboxRun Shell(string script, params string[] env) => new()
    {
        Args = ["/bin/sh", "-c", script],
        Env = [.. env.Prepend("PATH=/bin")],
    };
}

internal sealed record RunOutput(int ExitCode, string Stdout, string Stderr, string[] Lines)
{
    public long OomKills { get; init; }

    public long ForksRefused { get; init; }
}
