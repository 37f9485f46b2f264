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
}
