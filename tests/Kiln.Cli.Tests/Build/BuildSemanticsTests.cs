using System.Text.Json;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Real builds (crun/runc on overlayfs) pinned to what BuildKit does with users, groups, ONBUILD triggers of stages and
/// WORKDIR, each checked against the lab's dockerd 20.10 and Docker 26 (BuildKit 0.13) and current BuildKit's source.
/// </summary>
public sealed class BuildSemanticsTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    private const string Users = """
        FROM localhost/busybox:latest
        RUN echo 'usr:x:1000:1000::/home/usr:/bin/sh' >> /etc/passwd && echo 'usr:x:1000:' >> /etc/group && echo 'g1:x:2001:usr' >> /etc/group && echo 'g2:x:2002:other,usr' >> /etc/group && echo 'grp:x:1234:' >> /etc/group && mkdir -m 777 /ids
        COPY --chown=:grp a.txt /a
        ADD --chown=:4321 a.txt /b
        COPY --link --chown=:grp a.txt /c
        USER usr
        RUN id > /ids/name
        USER 1000
        RUN id > /ids/uid
        USER usr:grp
        RUN id > /ids/name-group
        USER 1000:2002
        RUN id > /ids/uid-gid
        USER 3000
        RUN id > /ids/unknown
        USER root
        RUN stat -c '%n %u:%g' /a /b /c > /owners
        """;

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_gets_the_users_groups_and_the_primary_one_and_chown_of_a_group_alone_keeps_root(string runtime)
    {
        using var w = Workspace(Users);

        w.Build("--runtime", runtime, "-t", "users:1");
        var run = w.Kiln("run", "--rm", "--runtime", runtime, "users:1", "cat", "/owners", "/ids/name", "/ids/uid", "/ids/name-group", "/ids/uid-gid", "/ids/unknown");
        var asUser = w.Kiln("run", "--rm", "--runtime", runtime, "--user", "usr", "users:1", "id");

        // Docker 26 printed exactly these (groups= is the process's supplementary groups).
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            """
            /a 0:1234
            /b 0:4321
            /c 0:1234
            uid=1000(usr) gid=1000(usr) groups=1000(usr),2001(g1),2002(g2)
            uid=1000(usr) gid=1000(usr) groups=1000(usr),2001(g1),2002(g2)
            uid=1000(usr) gid=1234(grp) groups=1234(grp)
            uid=1000(usr) gid=2002(g2) groups=2002(g2)
            uid=3000 gid=0(root) groups=0(root)

            """,
            run.Output);
        Assert.Equal("uid=1000(usr) gid=1000(usr) groups=1000(usr),2001(g1),2002(g2)\n", asUser.Output);
    }

    [Theory]
    [InlineData("USER 4294967295")]
    [InlineData("USER 1000:4294967295")]
    [InlineData("USER 2147483648")]
    public void A_user_id_out_of_range_fails_the_run_at_its_line_never_runs_as_root(string user)
    {
        using var w = Workspace($"FROM localhost/busybox:latest\n{user}\nRUN id -u\n");

        var build = w.Kiln("build", "--progress", "plain", w.Context);

        Assert.Equal(1, build.ExitCode);
        Assert.Contains("uids and gids must be in range 0-2147483647", build.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile:3", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kiln_run_refuses_a_user_id_out_of_range()
    {
        using var w = Workspace("FROM localhost/busybox:latest\n");

        var run = w.Kiln("run", "--rm", "--user", "4294967295", BuildWorkspace.Busybox, "id");

        Assert.Equal(Commands.RunCommand.ToolFailed, run.ExitCode);
        Assert.Contains("uids and gids must be in range 0-2147483647", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Triggers_of_a_stage_run_in_the_stage_built_on_it_and_a_workdir_of_the_root_exports()
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest AS first
            WORKDIR .
            ONBUILD RUN echo triggered > /trigger
            ONBUILD COPY a.txt /from-trigger
            FROM first
            WORKDIR /tmp
            RUN cat /trigger /from-trigger > /seen
            """);

        w.Build("-o", $"type=local,dest={w.PathOf("out")}");
        w.Build("-o", $"type=oci,dest={w.PathOf("image.tar")}");

        Assert.Equal("triggered\na\n", File.ReadAllText(Path.Combine(w.PathOf("out"), "seen")));
        var config = JsonDocument.Parse(BusyboxBase.Exec("skopeo", "inspect", "--config", "--raw", $"oci-archive:{w.PathOf("image.tar")}")).RootElement;
        Assert.False(config.GetProperty("config").TryGetProperty("OnBuild", out var onBuild) && onBuild.ValueKind == JsonValueKind.Array);
        var history = config.GetProperty("history").EnumerateArray()
            .Select(h => (h.TryGetProperty("created_by", out var by) ? by.GetString() : null, h.TryGetProperty("empty_layer", out var empty) && empty.GetBoolean()))
            .ToArray();

        // BuildKit's history for the same file (dockerd 20.10 and 26): the root WORKDIR is an empty_layer entry with no
        // layer, the triggers are the child's first steps.
        Assert.Equal(
            [
                ("WORKDIR /", true),
                ("RUN /bin/sh -c echo triggered > /trigger # buildkit", false),
                ("COPY a.txt /from-trigger # buildkit", false),
                ("WORKDIR /tmp", false),
                ("RUN /bin/sh -c cat /trigger /from-trigger > /seen # buildkit", false),
            ],
            history[^5..]);
        Assert.Equal(history.Count(h => !h.Item2), config.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
    }

    private BuildWorkspace Workspace(string dockerfile)
    {
        var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", dockerfile.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        w.Write("a.txt", "a\n");
        return w;
    }
}
