namespace Kiln.Cli.Tests.Build;

/// <summary>
/// <c>RUN --mount=type=cache,from=STAGE,source=DIR</c>, as Docker 26's BuildKit showed it: the cache starts as a copy
/// of DIR (its owner and mode too), keeps what runs leave, and is kept per seed: a changed stage starts a new cache,
/// and the old one comes back with the old stage.
/// </summary>
public sealed class CacheMountSeedTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    private const string Dockerfile = """
        FROM localhost/busybox:latest AS seed
        ARG V=1
        RUN mkdir -p /data/d && echo "seed $V" > /data/a && chmod 700 /data && chown 5:6 /data && echo x > /other

        FROM localhost/busybox:latest
        ARG N=1
        RUN --mount=type=cache,id=c1,from=seed,source=/data,target=/c cat /c/a > /seen && (cat /c/log 2>/dev/null || true) >> /seen && echo "run $N" >> /c/log && stat -c '%a %u %g' /c >> /seen && ls /c >> /seen

        """;

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void A_cache_is_seeded_from_the_stages_directory_once_per_seed_and_keeps_what_runs_leave(string runtime)
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", Dockerfile);

        string Seen(params string[] args)
        {
            w.Build(["--runtime", runtime, .. args, "-t", "seeded:1"]);
            return w.Kiln("run", "--rm", "seeded:1", "cat", "/seen").Output;
        }

        Assert.Equal("seed 1\n700 5 6\na\nd\nlog\n", Seen("--build-arg", "N=1"));
        Assert.Equal("seed 1\nrun 1\n700 5 6\na\nd\nlog\n", Seen("--build-arg", "N=2"));
        Assert.Equal("seed 2\n700 5 6\na\nd\nlog\n", Seen("--build-arg", "N=3", "--build-arg", "V=2"));
        Assert.Equal("seed 1\nrun 1\nrun 2\n700 5 6\na\nd\nlog\n", Seen("--build-arg", "N=4"));

        // The seed's content is in the key: the same stage and N again is cached.
        var again = w.Build("--runtime", runtime, "--build-arg", "N=4", "-t", "seeded:2");
        Assert.Contains("[stage-1 2/2] RUN --mount=type=cache,id=c1,from=seed,source=/data,target=/c cat /c/a > /seen && (cat /c/log 2>/dev/null || true) >> /seen && echo \"run $N\" >> /c/log && stat -c '%a %u %g' /c >> /seen && ls /c >> /seen", BuildEndToEndTests.Cached(again.Error));
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void A_source_without_from_is_an_error_at_its_line()
    {
        using var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN --mount=type=cache,source=/x,target=/c ls /c\n");

        var failed = w.Kiln("build", w.Context);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("the cache mount at /c is seeded from /x, but has no from=", failed.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:2", failed.Error, StringComparison.Ordinal);
    }
}
