namespace Kiln.Cli.Tests.Build;

/// <summary><c>kiln build -</c> with the published binary: a context archive or a lone Dockerfile on standard input.</summary>
public sealed class StandardInputContextTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    [Fact]
    public void A_compressed_context_archive_is_built_with_its_dockerfile_from_f_inside_it()
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("sub/App.Dockerfile", "FROM localhost/busybox:latest\nCOPY a.txt /a.txt\n");
        w.Write("a.txt", "from the archive\n");
        BusyboxBase.Exec("tar", "-czf", w.PathOf("context.tar.gz"), "-C", w.Context, ".");

        var build = KilnBinary.RunWithInput(["--root", w.Store, "build", "-q", "-t", "piped:1", "-f", "sub/App.Dockerfile", "-"], File.ReadAllBytes(w.PathOf("context.tar.gz")));

        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal("from the archive\n", w.Kiln("run", "--rm", "piped:1", "cat", "/a.txt").Output);
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "kiln-stdin-*"), d => File.Exists(Path.Combine(d, "context", "sub", "App.Dockerfile")));
    }

    [Fact]
    public void A_lone_dockerfile_builds_with_an_empty_context()
    {
        using var w = new BuildWorkspace(busybox);

        var build = KilnBinary.RunWithInput(["--root", w.Store, "build", "-q", "-t", "lone:1", "-"], "FROM localhost/busybox:latest\nLABEL from=stdin\n");
        var copy = KilnBinary.RunWithInput(["--root", w.Store, "build", "-"], "FROM localhost/busybox:latest\nCOPY Dockerfile /\n");
        var both = KilnBinary.RunWithInput(["--root", w.Store, "build", "-f", "-", "-"], "FROM scratch\n");
        var named = KilnBinary.RunWithInput(["--root", w.Store, "build", "-f", "Other", "-"], "FROM scratch\n");

        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains("\"from\": \"stdin\"", w.Kiln("inspect", "lone:1").Output, StringComparison.Ordinal);
        Assert.Equal(1, copy.ExitCode);
        Assert.Contains("\"/Dockerfile\": not found", copy.Error, StringComparison.Ordinal);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("standard input cannot be both the build context and the Dockerfile", both.Error, StringComparison.Ordinal);
        Assert.Equal(1, named.ExitCode);
        Assert.Contains("-f Other names a file in the context, but standard input is a Dockerfile", named.Error, StringComparison.Ordinal);
    }
}
