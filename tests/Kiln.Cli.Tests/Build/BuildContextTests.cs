namespace Kiln.Cli.Tests.Build;

/// <summary>
/// <c>kiln build --build-context NAME=VALUE</c> end to end: real builds on the busybox base, a named directory read as the
/// main context is, an image standing for a name, a stage replaced, the cache keyed on the directory's content.
/// </summary>
public sealed class BuildContextTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    [Fact]
    public void A_named_directory_is_read_by_copy_from_a_bind_mount_and_from_as_the_main_context_is()
    {
        using var w = Workspace("""
            FROM src AS files
            FROM localhost/busybox:latest
            COPY --from=src a.txt /from-src.txt
            COPY --from=files / /files/
            RUN --mount=type=bind,from=src,target=/mnt cat /mnt/b.txt > /from-mount.txt
            """);
        var extra = Extra(w);
        BusyboxBase.Exec("chown", "1234:5678", Path.Combine(extra, "a.txt"));

        // A relative directory is taken from the working directory, as buildx takes it.
        w.Build("--build-context", "src=" + Path.GetRelativePath(Environment.CurrentDirectory, extra), "-t", "ctx:1");
        var run = w.Kiln("run", "--rm", "ctx:1", "sh", "-c", "cat /from-src.txt /from-mount.txt; stat -c %u:%g /from-src.txt /files/a.txt; ls -A /files");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("extra a\nextra b\n0:0\n0:0\n.dockerignore\na.txt\nb.txt\n", run.Output);
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void A_docker_image_context_stands_for_the_name_from_uses()
    {
        // Without the context, FROM busybox would pull docker.io/library/busybox: the name matches in every spelling.
        using var w = Workspace("""
            FROM base
            RUN echo from-base > /seen
            FROM docker.io/library/busybox:latest
            COPY --from=0 /seen /seen
            RUN cat /seen > /again
            """);

        var build = w.Build("--build-context", "base=docker-image://" + BuildWorkspace.Busybox, "--build-context", "busybox=docker-image://" + BuildWorkspace.Busybox, "-t", "img:1");
        var run = w.Kiln("run", "--rm", "img:1", "cat", "/again");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("from-base\n", run.Output);
        Assert.Contains("load metadata for localhost/busybox:latest", build.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("docker.io/library/busybox", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stage_named_like_a_context_is_replaced_and_its_steps_never_run()
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest AS build
            RUN echo built-by-the-dockerfile > /out.txt
            FROM localhost/busybox:latest
            COPY --from=build /out.txt /out.txt
            """);
        File.WriteAllText(Path.Combine(Extra(w), "out.txt"), "prebuilt\n");

        var build = w.Build("--build-context", "build=" + Extra(w), "-t", "replaced:1");
        var run = w.Kiln("run", "--rm", "replaced:1", "cat", "/out.txt");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("prebuilt\n", run.Output);
        Assert.DoesNotContain("RUN echo built-by-the-dockerfile", build.Error, StringComparison.Ordinal);
        Assert.Contains("[context build] load from client", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_follows_the_named_directorys_content()
    {
        using var w = Workspace("""
            FROM src AS files
            FROM localhost/busybox:latest
            COPY --from=src a.txt /a.txt
            RUN cat /a.txt > /seen
            COPY --from=files / /files/
            """);
        var extra = Extra(w);
        var context = "src=" + extra;
        string[] all = ["[context src] load from client", "[stage-1 2/4] COPY --from=src a.txt /a.txt", "[stage-1 3/4] RUN cat /a.txt > /seen", "[stage-1 4/4] COPY --from=files / /files/"];

        Assert.Empty(BuildEndToEndTests.Cached(w.Build("--build-context", context).Error));
        Assert.Equal(all, Cached(w.Build("--build-context", context)));

        // b.txt is only in FROM src: that layer and the copy of it rerun, the steps reading a.txt stay cached.
        File.WriteAllText(Path.Combine(extra, "b.txt"), "extra b2\n");
        Assert.Equal([all[1], all[2]], Cached(w.Build("--build-context", context)));

        // a.txt is read by both: everything reruns.
        File.WriteAllText(Path.Combine(extra, "a.txt"), "extra a2\n");
        Assert.Empty(Cached(w.Build("--build-context", context, "-t", "cache:1")));
        var run = w.Kiln("run", "--rm", "cache:1", "cat", "/seen", "/files/b.txt");
        Assert.Equal("extra a2\nextra b2\n", run.Output);

        // A file its .dockerignore hides changes nothing.
        File.WriteAllText(Path.Combine(extra, "secret.txt"), "changed\n");
        Assert.Equal(all, Cached(w.Build("--build-context", context)));
    }

    [Fact]
    public void A_name_given_but_never_used_is_fine()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nCOPY a.txt /\n");

        w.Build("--build-context", "unused=" + Extra(w), "--build-context", "other=docker-image://localhost/nothing:here");
    }

    [Fact]
    public void A_named_directory_with_a_bad_dockerignore_is_an_error()
    {
        using var w = Workspace("FROM src\n");
        File.WriteAllText(Path.Combine(Extra(w), ".dockerignore"), "!\n");

        var run = w.Kiln("build", "--build-context", "src=" + Extra(w), w.Context);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"ERROR: kiln build: --build-context src: {Path.Combine(Extra(w), ".dockerignore")}:1: illegal exclusion pattern \"!\": a lone \"!\" must be followed by a pattern\n",
            run.Error);
    }

    [Fact]
    public void A_missing_file_in_a_named_directory_fails_at_the_copy_line()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nCOPY --from=src missing.txt /\n");

        var run = w.Kiln("build", "--progress", "plain", "--build-context", "src=" + Extra(w), w.Context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\"/missing.txt\": not found", run.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:2", run.Error, StringComparison.Ordinal);
    }

    private static List<string> Cached(CliRun run) => [.. BuildEndToEndTests.Cached(run.Error).Order(StringComparer.Ordinal)];

    /// <summary>The named directory beside the main context: a.txt, b.txt, and secret.txt hidden by its .dockerignore.</summary>
    private static string Extra(BuildWorkspace w)
    {
        var extra = w.PathOf("extra");
        if (!Directory.Exists(extra))
        {
            Directory.CreateDirectory(extra);
            File.WriteAllText(Path.Combine(extra, "a.txt"), "extra a\n");
            File.WriteAllText(Path.Combine(extra, "b.txt"), "extra b\n");
            File.WriteAllText(Path.Combine(extra, "secret.txt"), "hidden\n");
            File.WriteAllText(Path.Combine(extra, ".dockerignore"), "secret.txt\n");
        }

        return extra;
    }

    private BuildWorkspace Workspace(string dockerfile)
    {
        var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", dockerfile.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        w.Write("a.txt", "main a\n");
        return w;
    }
}
