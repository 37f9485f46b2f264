using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Real builds: <c>kiln build</c> in process, RUN through crun/runc on overlayfs, on a busybox base made from Debian's
/// busybox-static; results checked with <c>kiln run</c>, skopeo, umoci and GNU tar.
/// </summary>
public sealed partial class BuildEndToEndTests(BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    private const string TwoStages = """
        FROM localhost/busybox:latest AS builder
        WORKDIR /src
        COPY a.txt .
        RUN echo "built from $(cat a.txt)" > out.txt
        COPY b.txt .
        RUN cat b.txt >> out.txt

        FROM localhost/busybox:latest
        COPY --from=builder /src/out.txt /app/out.txt
        RUN echo 'app:x:10001:10001::/nonexistent:/bin/false' >> /etc/passwd
        USER 10001
        ENTRYPOINT ["/bin/sh", "-c", "cat /app/out.txt; id -u"]
        """;

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void A_two_stage_build_copies_from_the_builder_and_runs_as_its_user(string runtime)
    {
        using var w = Workspace(TwoStages);

        w.Build("--runtime", runtime, "-t", "app:1");
        var run = w.Kiln("run", "--rm", "app:1");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("built from a\nb\n10001\n", run.Output);
        Assert.Empty(w.Mounts());
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_mounts_a_cache_kept_between_builds_and_a_tmpfs_and_neither_reaches_the_image(string runtime)
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest
            ARG N=1
            RUN --mount=type=cache,target=/cache echo "run $N" >> /cache/log && cat /cache/log > /seen
            RUN --mount=type=tmpfs,target=/scratch echo x > /scratch/f && ls /scratch > /tmpfs-seen
            """);

        w.Build("--runtime", runtime, "-t", "mounts:1");
        w.Build("--runtime", runtime, "--build-arg", "N=2", "-t", "mounts:2");
        var run = w.Kiln("run", "--rm", "mounts:2", "sh", "-c", "cat /seen /tmpfs-seen; ls /");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("run 1\nrun 2\nf\n", run.Output, StringComparison.Ordinal);
        var root = run.Output.Split('\n')[3..];
        Assert.DoesNotContain("cache", root);
        Assert.DoesNotContain("scratch", root);
        Assert.Empty(w.Mounts());

        // prune --all empties the caches, as docker builder prune -a does.
        var prune = w.Kiln("prune", "--all");
        Assert.Contains("Deleted 1 RUN --mount cache directory", prune.Output, StringComparison.Ordinal);
        w.Build("--runtime", runtime, "--build-arg", "N=3", "-t", "mounts:3");
        Assert.Equal("run 3\n", w.Kiln("run", "--rm", "mounts:3", "cat", "/seen").Output);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_binds_a_copy_of_context_files_or_a_stage_and_their_content_is_in_the_cache_key(string runtime)
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest AS tools
            RUN echo tool > /tool

            FROM localhost/busybox:latest
            WORKDIR /src
            RUN --mount=type=bind,source=sub,target=/s,rw echo changed > /s/b && cat /s/b > /seen-rw
            RUN --mount=type=bind,from=tools,source=/tool,target=/t cat /t > /seen-from
            RUN --mount=type=bind,source=a.txt,target=a.txt cat a.txt > /seen-file
            RUN --mount=type=bind,target=/ctx ls /ctx > /seen-ctx
            """);
        w.Write("a.txt", "a\n");
        w.Write("secret.txt", "no\n");
        w.Write(".dockerignore", "secret.txt\n");
        w.Write("sub/b", "b\n");

        var first = w.Build("--runtime", runtime, "-t", "binds:1");
        var run = w.Kiln("run", "--rm", "binds:1", "sh", "-c", "cat /seen-file /seen-ctx /seen-rw /seen-from; ls -A /src; ls /");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("a\nDockerfile\na.txt\nb.txt\nsub\nchanged\ntool\n", run.Output, StringComparison.Ordinal);
        var root = run.Output.Split('\n')[7..];
        Assert.DoesNotContain("ctx", root);
        Assert.DoesNotContain("s", root);
        Assert.DoesNotContain("t", root);
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(w.Context, "sub", "b")));
        Assert.Empty(w.Mounts());
        Assert.Empty(Cached(first.Error));

        // The bound files' content is in the key: with a.txt changed, the steps that bind it rerun, and the ones
        // before them, which bind sub/ and the stage, are cached.
        w.Write("a.txt", "a2\n");
        var again = w.Build("--runtime", runtime, "-t", "binds:2");
        Assert.Equal(
            [
                "[tools 2/2] RUN echo tool > /tool",
                "[stage-1 2/6] WORKDIR /src",
                "[stage-1 3/6] RUN --mount=type=bind,source=sub,target=/s,rw echo changed > /s/b && cat /s/b > /seen-rw",
                "[stage-1 4/6] RUN --mount=type=bind,from=tools,source=/tool,target=/t cat /t > /seen-from",
            ],
            Cached(again.Error));
        Assert.Equal("a2\n", w.Kiln("run", "--rm", "binds:2", "cat", "/seen-file").Output);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_sees_a_secret_as_a_file_or_a_variable_and_it_reaches_neither_the_image_nor_the_cache_key(string runtime)
    {
        // The Dockerfile spells the value backwards, so that finding "s3cret" anywhere means the secret leaked.
        using var w = Workspace("""
            FROM localhost/busybox:latest
            RUN --mount=type=secret,id=token test "$(rev /run/secrets/token)" = terc3s && stat -c %a /run/secrets/token > /mode
            RUN --mount=type=secret,id=token,env=TOKEN test "$(echo -n "$TOKEN" | rev)" = terc3s && echo ok > /env-ok
            RUN --mount=type=secret,id=other test ! -e /run/secrets/other && echo left-out > /missing
            """);
        w.Write("../token.txt", "s3cret");
        var secret = $"id=token,src={Path.Combine(w.Root, "token.txt")}";

        w.Build("--runtime", runtime, "--secret", secret, "-t", "secrets:1");
        var run = w.Kiln("run", "--rm", "secrets:1", "sh", "-c", "cat /mode /env-ok /missing; ls /");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("400\nok\nleft-out\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("run", run.Output.Split('\n')[3..]);
        Assert.Equal(0, w.Kiln("save", "-o", w.PathOf("secrets.tar"), "secrets:1").ExitCode);
        Assert.DoesNotContain("s3cret", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(w.PathOf("secrets.tar"))), StringComparison.Ordinal);

        // The value was written to memory (/dev/shm) for the run only, and is gone.
        Assert.Empty(Directory.GetDirectories("/dev/shm", "kiln-secrets-*"));

        // The value is not in the key (as in BuildKit): another value hits the cache.
        w.Write("../token.txt", "other");
        var again = w.Build("--runtime", runtime, "--secret", secret, "-t", "secrets:2");
        Assert.Equal(3, Cached(again.Error).Count);

        // A required secret that was not given fails the step, naming it.
        w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN --mount=type=secret,id=need,required true\n");
        var failed = w.Kiln("build", "--runtime", runtime, w.Context);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("secret need is required but was not given", failed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_reaches_an_ssh_agent_through_its_socket_and_a_required_agent_not_given_fails(string runtime)
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest
            RUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" > /sock && stat -c '%u %g %a' "$SSH_AUTH_SOCK" >> /sock
            RUN --mount=type=ssh,id=absent test -z "$(ls -A /run/buildkit 2>/dev/null)" && echo left-out > /absent
            """);
        var socket = w.PathOf("agent.sock");
        using var agent = StartAgent(socket);
        try
        {
            w.Build("--runtime", runtime, "--ssh", $"default={socket}", "-t", "ssh:1");
            var run = w.Kiln("run", "--rm", "ssh:1", "sh", "-c", "cat /sock /absent; ls /");

            // Without options, BuildKit's defaults: root's, 0600.
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.StartsWith("/run/buildkit/ssh_agent.0\n0 0 600\nleft-out\n", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("run", run.Output.Split('\n')[3..]);
            Assert.Empty(w.Mounts());

            w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN --mount=type=ssh,id=work,required true\n");
            var failed = w.Kiln("build", "--runtime", runtime, "--ssh", $"default={socket}", w.Context);
            Assert.Equal(1, failed.ExitCode);
            Assert.Contains("ssh agent work is required but was not given", failed.Error, StringComparison.Ordinal);
        }
        finally
        {
            agent.Kill();
            agent.WaitForExit();
        }
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Run_as_a_user_reaches_the_agent_through_a_socket_with_the_mounts_owner_and_mode_and_nothing_is_left_behind(string runtime)
    {
        // busybox has no agent client: the host's ssh-add, with its libraries, is bound in and started through its
        // loader, as uid 1000. It lists the agent's key only if requests and answers both get through.
        using var w = Workspace(string.Empty);
        var loader = CopyWithLibraries("/usr/bin/ssh-add", Path.Combine(w.Context, "tools"));
        w.Write("Dockerfile", $"""
            FROM localhost/busybox:latest
            RUN mkdir -m 777 /out
            USER 1000:1000
            RUN --mount=type=ssh,uid=1000 --mount=type=bind,source=tools,target=/tools stat -c '%u %g %a' "$SSH_AUTH_SOCK" > /out/user && /tools/{loader} --library-path /tools /tools/ssh-add -l > /out/keys
            RUN --mount=type=ssh,mode=0666,uid=5,gid=6 stat -c '%u %g %a' "$SSH_AUTH_SOCK" > /out/options

            """);
        var socket = w.PathOf("agent.sock");
        using var agent = StartAgent(socket);
        try
        {
            BusyboxBase.Exec("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "kiln-test", "-f", w.PathOf("key"));
            var add = new ProcessStartInfo("/usr/bin/ssh-add", [w.PathOf("key")]) { RedirectStandardOutput = true, RedirectStandardError = true };
            add.Environment["SSH_AUTH_SOCK"] = socket;
            using (var adding = Process.Start(add)!)
            {
                adding.WaitForExit();
                Assert.True(adding.ExitCode == 0, adding.StandardError.ReadToEnd());
            }

            var proxiesBefore = ProxyDirectories();
            w.Build("--runtime", runtime, "--ssh", $"default={socket}", "-t", "ssh-user:1");
            var run = w.Kiln("run", "--rm", "ssh-user:1", "cat", "/out/user", "/out/keys", "/out/options");

            Assert.True(run.ExitCode == 0, run.Error);
            var fingerprint = BusyboxBase.Exec("/usr/bin/ssh-keygen", "-l", "-f", w.PathOf("key.pub"));
            Assert.Equal($"1000 0 600\n{fingerprint}5 6 666\n", run.Output);

            // A step that fails ends its proxy as well: no listener's directory and no mount stays behind.
            w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN --mount=type=ssh,uid=1000 test -S \"$SSH_AUTH_SOCK\" && false\n");
            Assert.Equal(1, w.Kiln("build", "--runtime", runtime, "--ssh", $"default={socket}", w.Context).ExitCode);
            Assert.True(LeavesOnly(proxiesBefore), "an ssh agent proxy's directory stayed after its build");
            Assert.Empty(w.Mounts());
        }
        finally
        {
            agent.Kill();
            agent.WaitForExit();
        }
    }

    [Fact]
    public void Key_files_given_to_ssh_are_served_by_an_agent_of_the_builds_own_and_a_locked_key_is_an_error()
    {
        using var w = Workspace(string.Empty);
        var loader = CopyWithLibraries("/usr/bin/ssh-add", Path.Combine(w.Context, "tools"));
        w.Write("Dockerfile", $"FROM localhost/busybox:latest\nRUN --mount=type=ssh --mount=type=bind,source=tools,target=/tools /tools/{loader} --library-path /tools /tools/ssh-add -l > /keys\n");
        BusyboxBase.Exec("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "kiln-key-file", "-f", w.PathOf("key"));
        BusyboxBase.Exec("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-C", "locked", "-f", w.PathOf("locked"));
        var before = Directory.GetDirectories(Path.GetTempPath(), "kiln-keys-*").ToHashSet();

        w.Build("--ssh", $"default={w.PathOf("key")}", "-t", "keys:1");
        var locked = w.Kiln("build", "--ssh", $"default={w.PathOf("key")},{w.PathOf("locked")}", w.Context);
        var neither = w.Kiln("build", "--ssh", $"default={w.PathOf("nothing")}", w.Context);

        Assert.Equal(BusyboxBase.Exec("/usr/bin/ssh-keygen", "-l", "-f", w.PathOf("key.pub")), w.Kiln("run", "--rm", "keys:1", "cat", "/keys").Output);
        Assert.Equal(1, locked.ExitCode);
        Assert.Contains($"ERROR: kiln build: --ssh: ssh-add {w.PathOf("locked")} failed", locked.Error, StringComparison.Ordinal);
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains($"{w.PathOf("nothing")} is neither an ssh agent socket nor a key file", neither.Error, StringComparison.Ordinal);
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "kiln-keys-*").ToHashSet());
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void A_rebuild_with_nothing_changed_starts_no_container_and_a_changed_copy_source_reruns_from_that_copy_on()
    {
        using var w = Workspace(TwoStages);
        var first = w.Build("-t", "app:1");
        Assert.Empty(Cached(first.Error));

        var again = w.Build("-t", "app:1");
        Assert.Equal(["[builder 2/6] WORKDIR /src", "[builder 3/6] COPY a.txt .", "[builder 4/6] RUN echo \"built from $(cat a.txt)\" > out.txt", "[builder 5/6] COPY b.txt .", "[builder 6/6] RUN cat b.txt >> out.txt", "[stage-1 2/3] COPY --from=builder /src/out.txt /app/out.txt", "[stage-1 3/3] RUN echo 'app:x:10001:10001::/nonexistent:/bin/false' >> /etc/passwd"], Cached(again.Error));
        Assert.DoesNotMatch(LogLine(), again.Error);

        w.Write("b.txt", "b changed\n");
        var changed = w.Build("-t", "app:1");
        Assert.Equal(["[builder 2/6] WORKDIR /src", "[builder 3/6] COPY a.txt .", "[builder 4/6] RUN echo \"built from $(cat a.txt)\" > out.txt"], Cached(changed.Error));
        Assert.Equal("built from a\nb changed\n10001\n", w.Kiln("run", "--rm", "app:1").Output);

        var noCache = w.Build("--no-cache", "-t", "app:1");
        Assert.Empty(Cached(noCache.Error));
    }

    [Fact]
    public void No_cache_filter_runs_the_named_stages_steps_again_and_keeps_the_others_cached()
    {
        using var w = Workspace(TwoStages);
        w.Build("-t", "app:1");

        var again = w.Build("--no-cache-filter", "builder", "-t", "app:1");

        // The builder's steps run again and make the same out.txt, so the final stage's steps still hit.
        Assert.Equal(["[stage-1 2/3] COPY --from=builder /src/out.txt /app/out.txt", "[stage-1 3/3] RUN echo 'app:x:10001:10001::/nonexistent:/bin/false' >> /etc/passwd"], Cached(again.Error));
    }

    [Fact]
    public void Every_instruction_reaches_the_config()
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest
            ARG VERSION=1.2
            ENV APP_VERSION=$VERSION MODE=prod
            LABEL org.example.version=$VERSION
            EXPOSE 8080/tcp 53/udp
            VOLUME /data
            WORKDIR /srv
            RUN echo "$APP_VERSION $MODE $(pwd)" > info
            SHELL ["/bin/sh", "-ec"]
            STOPSIGNAL SIGTERM
            HEALTHCHECK --interval=5s --timeout=2s CMD true
            ONBUILD RUN echo child
            USER nobody
            CMD ["serve"]
            ENTRYPOINT ["/bin/cat"]
            """);

        w.Build("-o", $"type=oci,dest={w.PathOf("image.tar")}");
        var config = JsonDocument.Parse(BusyboxBase.Exec("skopeo", "inspect", "--config", "--raw", $"oci-archive:{w.PathOf("image.tar")}")).RootElement.GetProperty("config");

        Assert.Contains("APP_VERSION=1.2", config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("1.2", config.GetProperty("Labels").GetProperty("org.example.version").GetString());
        Assert.Equal(["53/udp", "8080/tcp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["/data"], config.GetProperty("Volumes").EnumerateObject().Select(p => p.Name));
        Assert.Equal("/srv", config.GetProperty("WorkingDir").GetString());
        Assert.Equal(["/bin/sh", "-ec"], config.GetProperty("Shell").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("SIGTERM", config.GetProperty("StopSignal").GetString());
        Assert.Equal(5_000_000_000, config.GetProperty("Healthcheck").GetProperty("Interval").GetInt64());
        Assert.Equal(["RUN echo child"], config.GetProperty("OnBuild").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("nobody", config.GetProperty("User").GetString());
        Assert.Equal(["/bin/cat"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.False(config.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array && cmd.GetArrayLength() > 0 && cmd[0].GetString() == "/bin/sh");

        var unpacked = w.PathOf("bundle");
        BusyboxBase.Exec("skopeo", "copy", $"oci-archive:{w.PathOf("image.tar")}", $"oci:{w.PathOf("layout")}:latest");
        BusyboxBase.Exec("umoci", "unpack", "--image", $"{w.PathOf("layout")}:latest", unpacked);
        Assert.Equal("1.2 prod /srv\n", File.ReadAllText(Path.Combine(unpacked, "rootfs", "srv", "info")));
    }

    [Fact]
    public void A_failing_run_reports_the_exit_code_and_the_line()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN echo about to fail && exit 3\n");

        var run = w.Kiln("build", "--progress", "plain", w.Context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("did not complete successfully: exit code: 3", run.Error, StringComparison.Ordinal);
        Assert.Contains("about to fail", run.Error, StringComparison.Ordinal);
        Assert.Contains(">>> RUN echo about to fail && exit 3", run.Error, StringComparison.Ordinal);
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void Quiet_prints_only_the_image_id_dockers_rm_flags_are_accepted_and_a_failure_still_names_the_line()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN echo quiet > /q\n");

        var quiet = w.Kiln("build", "-q", "--rm", "--force-rm", "-t", "quiet:1", w.Context);

        Assert.True(quiet.ExitCode == 0, quiet.Error);
        Assert.Empty(quiet.Error);
        Assert.Matches("^sha256:[0-9a-f]{64}\n$", quiet.Output);
        var inspect = w.Kiln("inspect", "quiet:1");
        Assert.Equal(quiet.Output.Trim(), JsonDocument.Parse(inspect.Output).RootElement[0].GetProperty("Id").GetString());

        w.Write("Dockerfile", "FROM localhost/busybox:latest\nRUN echo about to fail && exit 3\n");
        var failed = w.Kiln("build", "--quiet", w.Context);
        Assert.Equal(1, failed.ExitCode);
        Assert.Empty(failed.Output);
        Assert.Contains("did not complete successfully: exit code: 3", failed.Error, StringComparison.Ordinal);
        Assert.Contains(">>> RUN echo about to fail && exit 3", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stage_the_target_does_not_need_never_runs_and_independent_stages_run_in_parallel()
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest AS unused
            RUN exit 9
            FROM localhost/busybox:latest AS one
            RUN sleep 2 && echo one > /one
            FROM localhost/busybox:latest AS two
            RUN sleep 2 && echo two > /two
            FROM localhost/busybox:latest
            COPY --from=one /one /
            COPY --from=two /two /
            """);

        var clock = Stopwatch.StartNew();
        var build = w.Build("-t", "par:1");
        clock.Stop();

        Assert.DoesNotContain("unused", build.Error, StringComparison.Ordinal);

        // Both sleeps started before either finished (robust on a loaded machine), and the whole took about 2 s.
        var lines = build.Error.Split('\n');
        var one = Array.FindIndex(lines, l => l.EndsWith("RUN sleep 2 && echo one > /one", StringComparison.Ordinal));
        var two = Array.FindIndex(lines, l => l.EndsWith("RUN sleep 2 && echo two > /two", StringComparison.Ordinal));
        var ids = new[] { lines[one].Split(' ')[0], lines[two].Split(' ')[0] };
        var firstDone = Array.FindIndex(lines, l => ids.Any(id => l.StartsWith(id + " DONE", StringComparison.Ordinal)));
        Assert.True(one < firstDone && two < firstDone, build.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"two 2 s stages took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("one\ntwo\n", w.Kiln("run", "--rm", "par:1", "cat", "/one", "/two").Output);
    }

    [Fact]
    public void Steps_that_change_nothing_can_follow_each_other()
    {
        // Each makes the same empty layer: overlayfs must not get that lower directory twice.
        using var w = Workspace("FROM localhost/busybox:latest\nRUN true 1\nRUN true 2\nRUN true 3\nRUN echo ok > /ok\n");

        w.Build("-t", "empty:1");

        Assert.Equal("ok\n", w.Kiln("run", "--rm", "empty:1", "cat", "/ok").Output);
    }

    [Fact]
    public void Onbuild_triggers_of_a_base_image_run_after_its_from()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nENV WHO=child\nONBUILD RUN echo \"made by $WHO\" > /trigger\n");
        w.Build("-t", "parent:1");
        w.Write("Dockerfile", "FROM parent:1\nRUN cat /trigger > /seen\n");

        w.Build("-t", "child:1", "-o", $"type=local,dest={w.PathOf("out")}");

        Assert.Equal("made by child\n", File.ReadAllText(Path.Combine(w.PathOf("out"), "seen")));
        Assert.DoesNotContain("OnBuild", w.Kiln("inspect", "child:1").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Copy_and_add_follow_dockers_rules_in_a_real_build()
    {
        using var w = Workspace("""
            FROM localhost/busybox:latest
            COPY --chown=nobody:nogroup --chmod=0700 a.txt /owned/
            COPY *.txt /many/
            ADD archive.tar.gz /unpacked/
            COPY dir /dircontents
            COPY --exclude=*.md --exclude=!keep.md dir /excluded
            COPY --parents dir/x /kept/
            RUN stat -c '%U:%G %a' /owned/a.txt > /report && ls /many >> /report && cat /unpacked/inner.txt >> /report && ls /dircontents >> /report && ls /excluded >> /report && find /kept >> /report
            """);
        Directory.CreateDirectory(w.PathOf("archive"));
        File.WriteAllText(Path.Combine(w.PathOf("archive"), "inner.txt"), "from the tarball\n");
        BusyboxBase.Exec("tar", "-czf", Path.Combine(w.Context, "archive.tar.gz"), "-C", w.PathOf("archive"), "inner.txt");
        w.Write("dir/x", "x");
        w.Write("dir/notes.md", "n");
        w.Write("dir/keep.md", "k");

        w.Build("-o", $"type=local,dest={w.PathOf("out")}");

        Assert.Equal("nobody:nogroup 700\na.txt\nb.txt\nfrom the tarball\nkeep.md\nnotes.md\nx\nkeep.md\nx\n/kept\n/kept/dir\n/kept/dir/x\n", File.ReadAllText(Path.Combine(w.PathOf("out"), "report")));
    }

    [Fact]
    public void A_linked_copy_is_a_layer_of_its_own_stacked_on_the_stage_and_outlives_a_change_under_it()
    {
        const string dockerfile = """
            FROM localhost/busybox:latest
            RUN echo 'app:x:10001:10002::/nonexistent:/bin/false' >> /etc/passwd && ln -s /tmp /lnk && echo UNDER > /under
            COPY --link --chown=app a.txt /etc/linked/
            COPY --link b.txt /lnk/
            RUN stat -c '%n %u:%g' /etc/linked /etc/linked/a.txt > /report && grep -c ^app: /etc/passwd >> /report && ls /lnk >> /report && test ! -e /tmp/b.txt && cat /under >> /report
            """;
        using var w = Workspace(dockerfile);

        w.Build("-t", "linked:1");

        // The base's /etc shows through the copy's own etc/; a symlink on the destination path is not followed:
        // the linked layer has a directory there, which hides it (BuildKit's documented --link difference).
        Assert.Equal("/etc/linked 10001:10002\n/etc/linked/a.txt 10001:10002\n1\nb.txt\nUNDER\n", w.Kiln("run", "--rm", "linked:1", "cat", "/report").Output);

        w.Write("Dockerfile", dockerfile.Replace("echo UNDER", "echo CHANGED", StringComparison.Ordinal) + "\n");
        var again = w.Build("-t", "linked:2");

        Assert.Equal(["[3/5] COPY --link --chown=app a.txt /etc/linked/", "[4/5] COPY --link b.txt /lnk/"], Cached(again.Error));
        Assert.EndsWith("CHANGED\n", w.Kiln("run", "--rm", "linked:2", "cat", "/report").Output, StringComparison.Ordinal);

        // The same two linked layers on a different layer under them.
        var first = Layers(w, "linked:1");
        var second = Layers(w, "linked:2");
        Assert.Equal(first.Length, second.Length);
        Assert.NotEqual(first[^4], second[^4]);
        Assert.Equal(first[^3..^1], second[^3..^1]);
    }

    [Fact]
    public void Add_of_a_url_downloads_a_0600_file_with_the_servers_time_keeps_archives_whole_and_checks_a_checksum()
    {
        using var web = new LocalWebServer();
        var modified = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        web.Files["/dl/tool.sh"] = ("echo tool\n"u8.ToArray(), modified);
        using var w = Workspace("FROM localhost/busybox:latest\n");
        Directory.CreateDirectory(w.PathOf("archive"));
        File.WriteAllText(Path.Combine(w.PathOf("archive"), "inner.txt"), "inner\n");
        BusyboxBase.Exec("tar", "-czf", w.PathOf("data.tar.gz"), "-C", w.PathOf("archive"), "inner.txt");
        web.Files["/dl/data.tar.gz"] = (File.ReadAllBytes(w.PathOf("data.tar.gz")), null);
        var checksum = Oci.Digest.Sha256Of("echo tool\n"u8);
        var dockerfile = $"""
            FROM localhost/busybox:latest
            ADD {web.Url("/dl/tool.sh")} /opt/
            ADD --chmod=0755 {web.Url("/dl/tool.sh")} /bin/tool
            ADD {web.Url("/dl/data.tar.gz")} /archives/
            ADD --checksum={checksum} {web.Url("/dl/tool.sh")} /checked
            RUN stat -c '%n %a %u %Y' /opt/tool.sh /bin/tool /checked > /report && ls /archives >> /report && /bin/tool >> /report
            """;
        w.Write("Dockerfile", dockerfile + "\n");

        w.Build("-t", "added:1");
        var again = w.Build("-t", "added:1");

        var seconds = modified.ToUnixTimeSeconds();
        Assert.Equal($"/opt/tool.sh 600 0 {seconds}\n/bin/tool 755 0 {seconds}\n/checked 600 0 {seconds}\ndata.tar.gz\ntool\n", w.Kiln("run", "--rm", "added:1", "cat", "/report").Output);
        Assert.Equal(5, Cached(again.Error).Count);
        Assert.Equal(8, web.Requests.Count);

        w.Write("Dockerfile", dockerfile.Replace(checksum.ToString(), Oci.Digest.Sha256Of("other"u8).ToString(), StringComparison.Ordinal) + "\n");
        var failed = w.Kiln("build", w.Context);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"the download's digest is {checksum}", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_privileged_run_granted_with_allow_may_mount()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN --security=insecure mkdir /m && mount -t tmpfs t /m && echo mounted > /report && umount /m\n");

        w.Build("--allow", "security.insecure", "-t", "privileged:1");

        Assert.Equal("mounted\n", w.Kiln("run", "--rm", "privileged:1", "cat", "/report").Output);
        Assert.Empty(w.Mounts());
    }

    [Fact]
    public void Add_host_lines_end_every_runs_hosts_file_and_are_in_its_cache_key()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN tail -n 2 /etc/hosts > /hosts\n");

        w.Build("--add-host", "db:10.0.0.5", "--add-host", "v6=[::1]", "-t", "hosts:1");
        var other = w.Build("--add-host", "db:10.0.0.6", "-t", "hosts:2");
        var bad = w.Kiln("build", "--add-host", "db:nowhere", w.Context);

        Assert.Equal("10.0.0.5\tdb\n::1\tv6\n", w.Kiln("run", "--rm", "hosts:1", "cat", "/hosts").Output);
        Assert.Empty(Cached(other.Error));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("invalid --add-host 'db:nowhere': 'nowhere' is not an IP address", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shm_size_and_ulimit_reach_every_run_and_its_cache_key()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN df -k /dev/shm | tail -n 1 | awk '{print $2}' > /limits && ulimit -n >> /limits && ulimit -Hn >> /limits && ulimit -u >> /limits\n");

        w.Build("--shm-size", "128m", "--ulimit", "nofile=1024:2048", "--ulimit", "nproc=77", "-t", "limits:1");
        var plain = w.Build("-t", "limits:2");
        var bad = w.Kiln("build", "--ulimit", "files=1", w.Context);

        Assert.Equal("131072\n1024\n2048\n77\n", w.Kiln("run", "--rm", "limits:1", "cat", "/limits").Output);
        Assert.Empty(Cached(plain.Error));
        Assert.StartsWith("65536\n", w.Kiln("run", "--rm", "limits:2", "cat", "/limits").Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("invalid --ulimit 'files=1': unknown limit 'files'", bad.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void A_step_that_starts_two_thousand_processes_is_stopped_at_the_pids_limit_and_says_so(string runtime)
    {
        // Without a limit this starts 2000 processes that sleep for a minute.
        using var w = Workspace("FROM localhost/busybox:latest\nRUN i=0; while [ $i -lt 2000 ]; do sleep 60 & i=$((i+1)); done; wait\n");

        var run = w.Kiln("build", "--runtime", runtime, "--progress", "plain", "--pids-limit", "50", "-t", "never:built", w.Context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("can't fork", run.Error, StringComparison.Ordinal);
        Assert.Contains("the step reached its limit of 50 processes and threads (--pids-limit) and ", run.Error, StringComparison.Ordinal);
        AssertNoStepCgroupLeft(w);
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void A_step_that_needs_more_memory_than_the_limit_is_killed_and_says_so(string runtime)
    {
        // The shell holds 200 MB in a variable; memory and swap together are limited, whatever swap the host has.
        using var w = Workspace("FROM localhost/busybox:latest\nRUN a=$(head -c 200000000 /dev/zero | tr '\\0' x); echo ${#a}\n");

        var run = w.Kiln("build", "--runtime", runtime, "--progress", "plain", "--memory", "32m", "--memory-swap", "32m", "-t", "never:built", w.Context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(
            "did not complete successfully: exit code: 137: cannot allocate memory: the step reached its memory limit of 32 MiB (--memory) and the kernel's OOM killer killed",
            run.Error,
            StringComparison.Ordinal);
        AssertNoStepCgroupLeft(w);
    }

    [Fact]
    public void Cpu_limits_reach_every_run_and_a_step_within_its_limits_builds()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN nproc > /cpus && for i in 1 2 3; do sleep 0 & done; wait\n");

        w.Build("--cpuset-cpus", "0", "--cpus", "0.5", "--cpu-shares", "512", "--memory", "64m", "--pids-limit", "20", "-t", "limited:1");

        Assert.Equal("1\n", w.Kiln("run", "--rm", "limited:1", "cat", "/cpus").Output);
        AssertNoStepCgroupLeft(w);
    }

    /// <summary>No cgroup of the workspace's containers is left in kiln's own cgroups (this host: cgroup v1).</summary>
    private static void AssertNoStepCgroupLeft(BuildWorkspace w)
    {
        var prefix = Kiln.Runtime.Linux.Containers.Sandbox.ContainerIdPrefix(Path.Combine(w.Store, "snapshots", "mounts"));
        foreach (var controller in new[] { "pids", "memory", "cpu", "cpuset" })
        {
            var own = Kiln.Runtime.Linux.Containers.HostCgroups.OwnV1Directory(controller);
            Assert.Empty(own is null ? [] : Directory.GetDirectories(own, prefix + "*"));
        }
    }

    [Fact]
    public void The_network_flag_and_run_network_none_leave_only_loopback()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN --network=none ls /sys/class/net > /own\nRUN ls /sys/class/net > /build\n");

        w.Build("--network", "none", "-o", $"type=local,dest={w.PathOf("out")}");

        Assert.Equal("lo\n", File.ReadAllText(Path.Combine(w.PathOf("out"), "own")));
        Assert.Equal("lo\n", File.ReadAllText(Path.Combine(w.PathOf("out"), "build")));
    }

    [Fact]
    public void Prune_keeps_cached_layers_and_prune_all_drops_them()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nRUN echo cached > /c\n");
        w.Build();

        var prune = w.Kiln("prune");
        var rebuild = w.Build();
        var pruneAll = w.Kiln("prune", "--all");
        var cold = w.Build();

        Assert.True(prune.ExitCode == 0, prune.Error);
        Assert.Contains("CACHED", rebuild.Error, StringComparison.Ordinal);
        Assert.True(pruneAll.ExitCode == 0, pruneAll.Error);
        Assert.Contains("Deleted 1 build cache entry", pruneAll.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CACHED", cold.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Source_date_epoch_gives_the_same_image_twice()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nCOPY a.txt /\nRUN echo made > /made && touch /stamp\n");

        w.Build("--no-cache", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", "--iidfile", w.PathOf("id1"));
        w.Build("--no-cache", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", "--iidfile", w.PathOf("id2"));

        Assert.Equal(File.ReadAllText(w.PathOf("id1")), File.ReadAllText(w.PathOf("id2")));
    }

    [Fact]
    public void Outputs_are_read_by_independent_tools()
    {
        using var w = Workspace("FROM localhost/busybox:latest\nCOPY a.txt /hello.txt\n");
        var oci = w.PathOf("oci.tar");
        var docker = w.PathOf("docker.tar");
        var tar = w.PathOf("rootfs.tar");
        var local = w.PathOf("local");

        w.Build("-t", "outputs:1", "-o", $"type=oci,dest={oci}", "-o", $"type=docker,dest={docker}", "-o", $"type=tar,dest={tar}", "-o", local);

        Assert.Contains("\"Architecture\"", BusyboxBase.Exec("skopeo", "inspect", $"oci-archive:{oci}"), StringComparison.Ordinal);
        Assert.Contains("\"Layers\"", BusyboxBase.Exec("skopeo", "inspect", $"docker-archive:{docker}"), StringComparison.Ordinal);
        Assert.Contains("hello.txt", BusyboxBase.Exec("tar", "-tf", tar), StringComparison.Ordinal);
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(local, "hello.txt")));
    }

    private BuildWorkspace Workspace(string dockerfile)
    {
        var w = new BuildWorkspace(busybox);
        w.Write("Dockerfile", dockerfile.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        w.Write("a.txt", "a\n");
        w.Write("b.txt", "b\n");
        return w;
    }

    /// <summary>A real ssh-agent serving <paramref name="socket"/>, once it answers.</summary>
    private static Process StartAgent(string socket)
    {
        var agent = Process.Start("/usr/bin/ssh-agent", ["-D", "-a", socket])!;

        // The socket file appears at bind(), before ssh-agent listens; kiln refuses a socket it cannot connect to.
        for (var i = 0; i < 100 && !Accepts(socket); i++)
        {
            Thread.Sleep(50);
        }

        return agent;
    }

    /// <summary>
    /// The agent proxies' directories in the temporary directory: a build's are gone when it ends (one that appears
    /// meanwhile is another build's, so callers compare with what was there before).
    /// </summary>
    private static HashSet<string> ProxyDirectories() => [.. Directory.GetDirectories(Path.GetTempPath(), "kiln-ssh-*")];

    /// <summary>
    /// Whether the proxy directories come down to <paramref name="before"/>'s within a few seconds: the runtime tests'
    /// own proxies, in another test process, live for milliseconds in the same temporary directory; one of ours left
    /// behind would stay.
    /// </summary>
    private static bool LeavesOnly(HashSet<string> before)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (ProxyDirectories().IsSubsetOf(before))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>
    /// Copies a dynamically linked program with the libraries ldd finds for it into <paramref name="directory"/>, to
    /// run in an image without them as <c>LOADER --library-path DIR DIR/PROGRAM</c>; returns the loader's file name.
    /// </summary>
    private static string CopyWithLibraries(string program, string directory)
    {
        Directory.CreateDirectory(directory);
        File.Copy(program, Path.Combine(directory, Path.GetFileName(program)));
        string? loader = null;
        foreach (var line in BusyboxBase.Exec("ldd", program).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "libc.so.6 => /lib/.../libc.so.6 (0x...)" for a library, "/lib64/ld-linux-x86-64.so.2 (0x...)" for the loader.
            var arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            var path = (arrow < 0 ? line : line[(arrow + 3)..]).Split(' ')[0];
            if (!path.StartsWith('/'))
            {
                continue; // the vdso, which the kernel provides
            }

            File.Copy(path, Path.Combine(directory, Path.GetFileName(path)), overwrite: true);
            if (arrow < 0)
            {
                loader = Path.GetFileName(path);
            }
        }

        return loader ?? throw new InvalidOperationException($"ldd names no loader for {program}");
    }

    /// <summary>Whether the agent answers: <c>ssh-add -l</c> exits 1 for an agent with no keys, 2 when it cannot connect.</summary>
    private static bool Accepts(string socket)
    {
        var start = new ProcessStartInfo("/usr/bin/ssh-add", "-l") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SSH_AUTH_SOCK"] = socket;
        using var probe = Process.Start(start)!;
        probe.WaitForExit();
        return probe.ExitCode is 0 or 1;
    }

    private static string[] Layers(BuildWorkspace w, string image) =>
        [.. JsonDocument.Parse(w.Kiln("inspect", image).Output).RootElement[0].GetProperty("RootFS").GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!)];

    /// <summary>The names of the vertices plain progress marked CACHED, in order.</summary>
    internal static List<string> Cached(string log)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var cached = new List<string>();
        foreach (var line in log.Split('\n'))
        {
            var match = VertexLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            if (match.Groups[2].Value == "CACHED")
            {
                cached.Add(names[match.Groups[1].Value]);
            }
            else
            {
                names.TryAdd(match.Groups[1].Value, match.Groups[2].Value);
            }
        }

        return cached;
    }

    [GeneratedRegex(@"^#(\d+) (.*)$")]
    private static partial Regex VertexLine();

    /// <summary>A line a container wrote: <c>#N 0.123 text</c>.</summary>
    [GeneratedRegex(@"^#\d+ \d+\.\d{3} (?!writing image)", RegexOptions.Multiline)]
    private static partial Regex LogLine();
}
