using Kiln.Cli.Tests.Registry;

namespace Kiln.Cli.Tests.Build;

/// <summary>A base image the store does not have is pulled (Debian's docker-registry on 127.0.0.1), and <c>--pull</c> asks again.</summary>
[Collection(RegistryCommandsGroup.Name)]
public sealed class BuildPullTests(PlainRegistry registry, BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    [Fact]
    public void A_missing_base_is_pulled_and_pull_asks_the_registry_again()
    {
        using var source = new BuildWorkspace(busybox);
        var remote = $"{registry.Host}/e2e/busybox:1";
        var push = source.Kiln("push", BuildWorkspace.Busybox, remote);
        Assert.True(push.ExitCode == 0, push.Error);

        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", $"FROM {remote}\nRUN echo pulled > /p\n");
        var build = w.Build("-t", "pulled:1");
        var again = w.Build("--pull", "-t", "pulled:1");

        Assert.Contains($"load metadata for {remote}", build.Error, StringComparison.Ordinal);
        Assert.Contains("e2e/busybox", w.Kiln("images").Output, StringComparison.Ordinal);
        Assert.Contains("CACHED", again.Error, StringComparison.Ordinal);
        Assert.Equal("pulled\n", w.Kiln("run", "--rm", "pulled:1", "cat", "/p").Output);
    }

    [Fact]
    public async Task Push_sends_the_built_image_gzipped_and_the_registry_copy_runs_the_same()
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN echo pushed > /p\n");
        var remote = $"{registry.Host}/e2e/pushed:1";

        var build = w.Build("--push", "-t", remote);

        Assert.True(build.ExitCode == 0, build.Error);
        var raw = await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["inspect", "--raw", "--tls-verify=false", $"docker://{remote}"]);
        using var manifest = System.Text.Json.JsonDocument.Parse(raw);
        Assert.All(manifest.RootElement.GetProperty("layers").EnumerateArray(), l => Assert.EndsWith("+gzip", l.GetProperty("mediaType").GetString(), StringComparison.Ordinal));

        // Pulled back into an empty store, it runs as the local build does.
        using var fresh = new BuildWorkspace(busybox);
        Assert.Equal(0, fresh.Kiln("pull", remote).ExitCode);
        Assert.Equal("pushed\n", fresh.Kiln("run", "--rm", remote, "cat", "/p").Output);
        static string Id(CliRun run) => System.Text.Json.JsonDocument.Parse(run.Output).RootElement[0].GetProperty("Id").GetString()!;
        Assert.Equal(Id(w.Kiln("inspect", remote)), Id(fresh.Kiln("inspect", remote)));
    }
}
