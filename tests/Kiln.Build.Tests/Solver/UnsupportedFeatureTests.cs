using System.Collections.Immutable;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;

namespace Kiln.Build.Tests.Solver;

public sealed class UnsupportedFeatureTests
{
    private readonly SolverHarness _harness = new();

    [Theory]
    [InlineData("RUN --device=vendor.com/gpu=all nvidia-smi", "RUN --device is not supported yet")]
    [InlineData("ADD https://example.com/a.tar.gz a /", "ADD of URLs together with other sources in one instruction is not supported yet")]
    [InlineData("ADD git@github.com:moby/buildkit.git /src", "ADD of a git repository (the git fetcher is not wired in) is not supported yet")]
    public async Task A_flag_the_engine_does_not_run_fails_naming_it_and_its_line(string instruction, string message)
    {
        _harness.Files.Context["a"] = "a";

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync($"FROM scratch\nRUN ok\n{instruction}\n"));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(BuildErrorCodes.NotSupportedYet, diagnostic.Code);
        Assert.Equal(message, diagnostic.Message);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.Empty(_harness.Exporter.Exported);
    }

    [Theory]
    [InlineData("ADD https://github.com/moby/buildkit.git a /src")]
    [InlineData("ADD https://github.com/moby/buildkit.git https://github.com/moby/moby.git /src")]
    public async Task A_git_repository_is_added_alone(string instruction)
    {
        _harness.Files.Context["a"] = "a";
        var ports = _harness.Ports with { Git = new Ports.Adapters.GitSources() };

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(SolverHarness.Request($"FROM scratch\n{instruction}\n"), ports));

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal("ADD of a git repository together with other sources in one instruction is not supported yet", diagnostic.Message);
        Assert.Equal(2, diagnostic.Span.StartLine);
    }

    [Fact]
    public async Task Flags_are_refused_before_anything_runs()
    {
        await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nRUN ok\nRUN --security=insecure x\n"));

        Assert.Empty(_harness.Executor.Runs);
    }

    [Fact]
    public async Task A_privileged_run_needs_the_entitlement_and_with_it_reaches_the_executor_as_insecure()
    {
        const string dockerfile = "FROM scratch\nRUN ok\nRUN --security=insecure mount\n";

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(dockerfile));
        await _harness.BuildAsync(SolverHarness.Request(dockerfile) with { AllowInsecure = true });

        var diagnostic = Assert.Single(refused.Diagnostics);
        Assert.Equal(BuildErrorCodes.EntitlementNotGranted, diagnostic.Code);
        Assert.Equal("RUN --security=insecure needs the security.insecure entitlement: kiln build --allow security.insecure", diagnostic.Message);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.Equal([false, true], _harness.Executor.Runs.Select(r => r.Insecure));
    }

    [Fact]
    public async Task An_ssh_mount_with_mode_uid_and_gid_runs_and_the_executor_gets_them_with_the_agent()
    {
        var request = SolverHarness.Request("FROM scratch\nRUN --mount=type=ssh,mode=0666,uid=5,gid=6 ssh-add -l\n") with
        {
            SshAgents = ImmutableDictionary<string, string>.Empty.Add("default", "/agent.sock"),
        };

        await _harness.BuildAsync(request);

        var mount = Assert.Single(Assert.Single(_harness.Executor.Runs).Mounts);
        Assert.Equal(("/run/buildkit/ssh_agent.0", "/agent.sock", 0x1B6u, 5u, 6u), (mount.Target, mount.HostPath, mount.Mode, mount.Uid, mount.Gid));
    }

    [Fact]
    public async Task A_stage_the_target_does_not_need_may_use_them()
    {
        await _harness.BuildAsync("FROM scratch AS other\nRUN --device=vendor.com/gpu=all x\nFROM scratch\nRUN ok\n");

        Assert.Single(_harness.Executor.Runs);
    }

    [Fact]
    public async Task A_foreign_platform_is_refused()
    {
        var other = Oci.OciPlatform.Host.Architecture == "arm64" ? "linux/amd64" : "linux/arm64";

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync($"FROM --platform={other} scratch\nRUN x\n"));

        Assert.Equal($"FROM --platform={other} (only the host platform, linux/{Oci.OciPlatform.Host.Architecture}, is built) is not supported yet", error.Diagnostics.Single().Message);
    }

    [Fact]
    public async Task A_missing_part_is_not_supported_yet_never_faked()
    {
        var ports = _harness.Ports with { Executor = null };

        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync(SolverHarness.Request("FROM scratch\nCOPY a /a\nRUN x\n"), ports));

        Assert.Equal("RUN (the sandbox is not wired in) is not supported yet", error.Diagnostics.Single().Message);
        Assert.Empty(_harness.Files.Copies);
    }

    [Fact]
    public async Task The_frontend_diagnostics_come_through()
    {
        var error = await Assert.ThrowsAsync<BuildFailedException>(() => _harness.BuildAsync("FROM scratch\nCOPY --form=x a b\n"));

        Assert.Contains(error.Diagnostics, d => d.IsError && d.Span.StartLine == 2);
    }
}
