using System.Collections.Immutable;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Build.Solver;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver;

/// <summary>The argv and files of a RUN, as BuildKit's dispatchRun (dockerfile2llb/convert.go) makes them.</summary>
public sealed class RunArgumentsTests
{
    private static readonly ImageConfig Config = new() { Architecture = "amd64", Os = "linux", Config = new ContainerConfig() };

    private static RunInstruction Run(string dockerfileTail)
    {
        var result = DockerfileFrontend.Check("FROM scratch\n" + dockerfileTail, new FrontendOptions(ImmutableDictionary<string, string>.Empty, null));
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics.Select(d => d.Message)));
        return (RunInstruction)result.Definition!.Stages[0].Steps[0].Instruction;
    }

    private static RunProcess Process(string dockerfileTail, ImageConfig? config = null)
    {
        var process = RunArguments.Process(Run(dockerfileTail), config ?? Config, out var error);
        Assert.Null(error);
        return process!;
    }

    [Fact]
    public void A_shebang_script_is_a_0755_file_in_dev_pipes_run_through_the_shell()
    {
        var process = Process("RUN <<EOT\n#!/usr/bin/env python3\nprint(1)\nEOT\n");

        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOT"], process.Args.ToArray());
        var file = Assert.Single(process.Files);
        Assert.Equal("/dev/pipes/EOT", file.Path);
        Assert.Equal("#!/usr/bin/env python3\nprint(1)\n", Encoding.UTF8.GetString(file.Content.AsSpan()));
        Assert.Equal(Convert.ToInt32("755", 8), (int)file.Mode);
    }

    [Fact]
    public void The_shell_in_front_is_the_stages_shell()
    {
        var bash = Config with { Config = new ContainerConfig { Shell = ["/bin/bash", "-e", "-c"] } };

        var process = Process("RUN <<script\n#!/bin/sh -e\ntrue\nscript\n", bash);

        Assert.Equal(["/bin/bash", "-e", "-c", "/dev/pipes/script"], process.Args.ToArray());
    }

    [Fact]
    public void A_chomped_script_loses_its_leading_tabs_and_a_quoted_delimiter_names_the_file_without_quotes()
    {
        var process = Process("RUN <<-\"EOT\"\n#!/bin/sh\n\techo $HOME\n\tEOT\n");

        var file = Assert.Single(process.Files);
        Assert.Equal("/dev/pipes/EOT", file.Path);
        Assert.Equal("#!/bin/sh\necho $HOME\n", Encoding.UTF8.GetString(file.Content.AsSpan()));
    }

    [Fact]
    public void A_tab_before_the_shebang_is_no_script_even_when_chomped()
    {
        // BuildKit tests the body as written; only then strips the tabs.
        var process = Process("RUN <<-EOT\n\t#!/bin/sh\n\techo hi\n\tEOT\n");

        Assert.Empty(process.Files);
        Assert.Equal(["/bin/sh", "-c", "#!/bin/sh\necho hi\n"], process.Args.ToArray());
    }

    [Fact]
    public void Words_after_the_marker_hand_everything_to_the_shell()
    {
        var process = Process("RUN <<EOT python3\n#!/usr/bin/env python3\nprint(1)\nEOT\n");

        Assert.Empty(process.Files);
        Assert.Equal(["/bin/sh", "-c", "<<EOT python3\n#!/usr/bin/env python3\nprint(1)\nEOT"], process.Args.ToArray());
    }

    [Fact]
    public void Two_heredocs_go_to_the_shell_even_when_the_first_starts_with_a_shebang()
    {
        var process = Process("RUN <<A cat /dev/stdin <<B\n#!/bin/sh\nA\nb\nB\n");

        Assert.Empty(process.Files);
        Assert.Equal(["/bin/sh", "-c", "<<A cat /dev/stdin <<B\n#!/bin/sh\nA\nb\nB"], process.Args.ToArray());
    }

    [Fact]
    public void A_plain_lone_heredoc_is_the_shell_command()
    {
        var process = Process("RUN <<EOT\necho one\necho two\nEOT\n");

        Assert.Empty(process.Files);
        Assert.Equal(["/bin/sh", "-c", "echo one\necho two\n"], process.Args.ToArray());
    }

    [Theory]
    [InlineData("RUN 3<<EOT\n#!/bin/sh\nEOT\n", "/dev/pipes/EOT")]
    [InlineData("RUN <<E'O'T\n#!/bin/sh\nEOT\n", "/dev/pipes/EOT")]
    public void Other_lone_markers_are_scripts_too(string instruction, string path)
    {
        var process = Process(instruction);

        Assert.Equal(path, Assert.Single(process.Files).Path);
        Assert.Equal(path, process.Args[^1]);
    }

    [Theory]
    [InlineData("RUN <<a/b\n#!/bin/sh\na/b\n", "a/b")]
    [InlineData("RUN <<..\n#!/bin/sh\n..\n", "..")]
    public void A_delimiter_that_is_no_file_name_is_refused_clearly(string instruction, string name)
    {
        var process = RunArguments.Process(Run(instruction), Config, out var error);

        Assert.Null(process);
        Assert.Equal($"the heredoc script's delimiter \"{name}\" cannot name a file in /dev/pipes/, where a script that starts with #! is run from", error);
    }

    [Fact]
    public void Shell_and_exec_forms_without_heredocs_are_unchanged()
    {
        Assert.Equal(["/bin/sh", "-c", "echo hi"], Process("RUN echo hi\n").Args.ToArray());
        Assert.Equal(["/bin/echo", "hi"], Process("RUN [\"/bin/echo\", \"hi\"]\n").Args.ToArray());
        Assert.Empty(Process("RUN echo hi\n").Files);
    }

    [Fact]
    public void Mounts_resolve_their_target_under_the_working_directory_and_a_cache_id_defaults_to_the_target()
    {
        var run = Run("RUN --mount=type=cache,target=.cache/go --mount=type=tmpfs,size=1048576 --mount=type=cache,id=mods,target=/go/pkg,sharing=locked,mode=0700,uid=10001,gid=10001,ro go build");

        var mounts = RunArguments.Mounts(run, "/src");

        ExecMount[] expected =
            [
                new ExecMount(MountType.Cache, "/src/.cache/go", false, "/src/.cache/go", MountSharing.Shared, RunArguments.DefaultCacheMode, 0, 0, null),
                new ExecMount(MountType.Tmpfs, "/src", false, null, MountSharing.Shared, RunArguments.DefaultCacheMode, 0, 0, 1048576),
                new ExecMount(MountType.Cache, "/go/pkg", true, "mods", MountSharing.Locked, 0x1C0, 10001, 10001, null),
            ];
        Assert.Equal(expected.Length, mounts.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], mounts[i]);
        }

        Assert.Empty(RunArguments.Mounts(Run("RUN true"), "/"));

        var bind = Assert.Single(RunArguments.Mounts(Run("RUN --mount=type=bind,target=ctx ls"), "/src"));
        Assert.Equal(("/src/ctx", ".", null, true), (bind.Target, bind.Source, bind.From, bind.ReadOnly));
        var secrets = RunArguments.Mounts(Run("RUN --mount=type=secret,id=token --mount=type=secret,target=conf/npmrc,mode=0440,uid=1 --mount=type=secret,id=aws,env=AWS,required ls"), "/src");
        Assert.Equal(
            [("token", "/run/secrets/token", null, false, RunArguments.DefaultSecretMode, 0u), ("npmrc", "/src/conf/npmrc", null, false, 0x120u, 1u), ("aws", "", "AWS", true, RunArguments.DefaultSecretMode, 0u)],
            secrets.Select(m => (m.Id, m.Target, m.SecretEnv, m.Required, m.Mode, m.Uid)).ToArray());
        var agents = RunArguments.Mounts(Run("RUN --mount=type=ssh --mount=type=ssh,id=work,required --mount=type=ssh,target=agent.sock ls"), "/src");
        Assert.Equal(
            [("default", "/run/buildkit/ssh_agent.0", false), ("work", "/run/buildkit/ssh_agent.1", true), ("default", "/src/agent.sock", false)],
            agents.Select(m => (m.Id, m.Target, m.Required)).ToArray());
        var from = Assert.Single(RunArguments.Mounts(Run("RUN --mount=type=bind,from=localhost/busybox:latest,source=/bin,target=/b,rw ls"), "/"));
        Assert.Equal(("/b", "/bin", "localhost/busybox:latest", false), (from.Target, from.Source, from.From, from.ReadOnly));
    }
}
