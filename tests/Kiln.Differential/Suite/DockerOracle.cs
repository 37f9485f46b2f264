using System.Diagnostics;
using Kiln.Differential.Images;

namespace Kiln.Differential.Suite;

/// <summary>
/// BuildKit inside a dockerd, driven by Debian's 20.10 client with <c>DOCKER_BUILDKIT=1</c> (the same client for
/// both daemons: 20.10 on the default socket, 26 on its own), the image then read with <c>docker save</c> and
/// removed. Images are tagged <c>kiln-diff/CASE:ORACLE-PID</c> and only those are removed; the daemons are shared
/// with the benchmark lab and the other engineers, so nothing else is touched (no prune).
/// </summary>
internal sealed class DockerOracle : ICaseBuilder
{
    public const string Client = "/usr/bin/docker";

    private readonly string[] _host;

    private DockerOracle(string name, string? socket)
    {
        Name = name;
        _host = socket is null ? [] : ["-H", socket];
    }

    public static DockerOracle Docker2010 { get; } = new(CorpusCase.Oracle2010, null);

    public static DockerOracle Docker26 { get; } = new(CorpusCase.Oracle26, "unix:///run/docker26.sock");

    public string Name { get; }

    public static DockerOracle Named(string name) => name == CorpusCase.Oracle2010 ? Docker2010 : Docker26;

    public Task<string> DockerAsync(params string[] args) =>
        Tools.RunAsync(Client, [.. _host, .. args], timeout: TimeSpan.FromMinutes(5), environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "1" });

    public async Task<BuildOutcome> BuildAsync(PreparedCase prepared, string scratch)
    {
        var clock = Stopwatch.StartNew();
        var tag = $"kiln-diff/{prepared.Case.Name}:{Name}-{Environment.ProcessId}";
        var archive = Path.Combine(scratch, $"{Name}.tar");
        try
        {
            // The daemons are shared with the lab and the other engineers: a failure is tried once more before it is
            // taken as BuildKit's answer (a Dockerfile BuildKit refuses fails both times, only slower).
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await DockerAsync(["build", "--progress", "plain", "-t", tag, "-f", prepared.Dockerfile, .. prepared.BuildFlags(), prepared.Context]);
                    break;
                }
                catch (InvalidOperationException) when (attempt < 2)
                {
                    // once more
                }
                catch (InvalidOperationException e)
                {
                    return BuildOutcome.Failed(Name, KilnBuilder.LastLines(e.Message), clock.Elapsed);
                }
            }

            await DockerAsync("save", "-o", archive, tag);
            var image = BuiltImage.ReadArchive(archive, Path.Combine(scratch, $"{Name}-archive"));
            File.Delete(archive);
            return new BuildOutcome(Name, image, null, clock.Elapsed);
        }
        finally
        {
            await RemoveAsync(tag);
        }
    }

    private async Task RemoveAsync(string tag)
    {
        try
        {
            await DockerAsync("rmi", tag);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No such image", StringComparison.Ordinal))
        {
            // the build failed before tagging
        }
    }
}
