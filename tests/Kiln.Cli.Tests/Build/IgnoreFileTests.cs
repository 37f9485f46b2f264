namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Which .dockerignore a build applies, as BuildKit picks it (checked with docker 26: <c>COPY . /ctx/</c> then
/// <c>ls -A /ctx</c>): <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile named by <c>-f</c>, inside the
/// context or outside it, instead of the context's own; and a pattern BuildKit refuses, at its line.
/// </summary>
public sealed class IgnoreFileTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    private const string Dockerfile = "FROM localhost/busybox:latest\nCOPY . /ctx/\n";

    [Fact]
    public void The_ignore_file_beside_a_dockerfile_in_a_subdirectory_is_used_instead_of_the_context_one()
    {
        using var w = Workspace();
        w.Write("sub/app.Dockerfile", Dockerfile);
        w.Write("sub/app.Dockerfile.dockerignore", "secret.txt\n");

        // docker 26 built this to: .dockerignore a.txt sub
        w.Build("-f", Path.Combine(w.Context, "sub", "app.Dockerfile"), "-t", "ignore:sub");

        Assert.Equal(".dockerignore\na.txt\nsub\n", Listing(w, "ignore:sub"));
    }

    [Fact]
    public void The_ignore_file_beside_a_dockerfile_outside_the_context_is_used()
    {
        using var w = Workspace();
        var outside = w.PathOf("outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "app.Dockerfile"), Dockerfile);
        File.WriteAllText(Path.Combine(outside, "app.Dockerfile.dockerignore"), "a.txt\nsub\n");

        // docker 26 built this to: .dockerignore secret.txt
        w.Build("-f", Path.Combine(outside, "app.Dockerfile"), "-t", "ignore:outside");

        Assert.Equal(".dockerignore\nsecret.txt\n", Listing(w, "ignore:outside"));
    }

    [Fact]
    public void A_lone_exclamation_mark_is_a_diagnostic_at_its_line_of_the_ignore_file()
    {
        using var w = Workspace();
        w.Write("Dockerfile", Dockerfile);
        w.Write(".dockerignore", "# comment\n*.log\n!\nother\n");

        var build = w.Kiln("build", w.Context);
        var check = w.Kiln("build", "--check", w.Context);

        foreach (var run in new[] { build, check })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.DoesNotContain("IgnorePatternError", run.Error, StringComparison.Ordinal);
            Assert.Contains("   3 | >>> !\n", run.Error, StringComparison.Ordinal);
            Assert.Contains("ERROR: .dockerignore:3: illegal exclusion pattern \"!\"", run.Error, StringComparison.Ordinal);
            Assert.Contains("[DF5001]", run.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>A context with a.txt, secret.txt, sub/ and a .dockerignore hiding a.txt.</summary>
    private BuildWorkspace Workspace()
    {
        var w = new BuildWorkspace(busybox);
        w.Write("a.txt", "a\n");
        w.Write("secret.txt", "s\n");
        w.Write(".dockerignore", "a.txt\n");
        return w;
    }

    private static string Listing(BuildWorkspace w, string image)
    {
        var run = w.Kiln("run", "--rm", image, "ls", "-A", "/ctx");
        Assert.True(run.ExitCode == 0, run.Error);
        return run.Output;
    }
}
