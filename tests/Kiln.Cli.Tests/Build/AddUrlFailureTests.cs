namespace Kiln.Cli.Tests.Build;

/// <summary>ADD of a URL whose server misbehaves: the build fails at the ADD's line, saying what went wrong, in bounded time.</summary>
public sealed class AddUrlFailureTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    [Fact]
    public void A_redirect_to_a_file_url_is_refused_at_the_add_line_saying_why()
    {
        using var web = new LocalWebServer();
        web.Redirects["/secret"] = "file:///etc/shadow";
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", $"FROM {BuildWorkspace.Busybox}\nRUN true\nADD {web.Url("/secret")} /secret\n");

        var build = w.Kiln("build", "--progress", "plain", w.Context);

        Assert.Equal(1, build.ExitCode);
        Assert.Contains("Dockerfile:3", build.Error, StringComparison.Ordinal);
        Assert.Contains($">>> ADD {web.Url("/secret")} /secret", build.Error, StringComparison.Ordinal);
        Assert.Contains($"refused the redirect to file:///etc/shadow: only http and https redirects are followed", build.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid URI", build.Error, StringComparison.Ordinal);
    }
}
