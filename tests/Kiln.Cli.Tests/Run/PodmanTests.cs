namespace Kiln.Cli.Tests.Run;

/// <summary>
/// Podman as the independent consumer: a multi-stage image built by kiln (the builder pattern: the final stage takes
/// one file from the first, a user 10001, an ENTRYPOINT) is saved with <c>kiln save</c>, loaded with
/// <c>podman load</c> and run with <c>podman run</c>. Podman keeps its own store in the test's temp directory.
/// </summary>
/// <remarks>
/// This sandbox refuses to raise RLIMIT_NPROC/NOFILE to podman's defaults ("error setting rlimits ... operation not
/// permitted"), so the run sets explicit ulimits; runc, because crun 1.8 refuses this host's hybrid cgroups.
/// </remarks>
public sealed class PodmanTests
{
    private const string Podman = "/usr/bin/podman";

    [Fact]
    public async Task Podman_loads_and_runs_a_multi_stage_image_kiln_built()
    {
        using var store = new BusyboxStore();
        var context = Path.Combine(store.Path, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"""
            FROM {BusyboxStore.Image} AS builder
            RUN printf '#!/bin/sh\necho "manager running as uid=$(id -u)"\n' > /manager && chmod 755 /manager

            FROM {BusyboxStore.Image}
            COPY --from=builder /manager /manager
            USER 10001
            ENTRYPOINT ["/manager"]

            """);
        var built = store.Run("build", "--progress=plain", "-t", "podman-check:1", context);
        Assert.True(built.ExitCode == 0, built.Error);
        var archive = Path.Combine(store.Path, "image.tar");
        var saved = store.Run("save", "-o", archive, "podman-check:1");
        Assert.True(saved.ExitCode == 0, saved.Error);

        string[] storage = ["--root", Path.Combine(store.Path, "podman-root"), "--runroot", Path.Combine(store.Path, "podman-run"), "--storage-driver", "vfs"];
        var loaded = await PodmanAsync([.. storage, "load", "-i", archive]);
        // "Loaded image: docker.io/library/podman-check:1": podman qualifies the familiar name as docker does.
        var name = loaded.Split('\n').Single(l => l.StartsWith("Loaded image:", StringComparison.Ordinal))["Loaded image:".Length..].Trim();
        Assert.EndsWith("podman-check:1", name, StringComparison.Ordinal);
        var output = await PodmanAsync([
            .. storage, "--runtime", "runc", "run", "--rm", "--pull", "never", "--network", "none",
            "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", name,
        ]);
        Assert.Equal("manager running as uid=10001\n", output);
    }

    private static Task<string> PodmanAsync(string[] args) => Tools.RunAsync(Tools.Require(Podman), args);
}
