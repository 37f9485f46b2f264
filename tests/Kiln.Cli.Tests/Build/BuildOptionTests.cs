namespace Kiln.Cli.Tests.Build;

public sealed class BuildOptionTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("kiln-cli-build-").FullName;
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-build-root-").FullName;

    public BuildOptionTests() => File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nCOPY a /a\n");

    public void Dispose()
    {
        Directory.Delete(_context, recursive: true);
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("invalid tag 'Not/Valid'", "-t", "Not/Valid")]
    [InlineData("invalid tag 'x@sha256:", "-t", "x@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("invalid --label '=v'", "--label", "=v")]
    [InlineData("invalid --label 'novalue'", "--label", "novalue")]
    [InlineData("invalid --build-arg", "--build-arg", "=x")]
    [InlineData("invalid --platform 'linux/'", "--platform", "linux/")]
    [InlineData("invalid --output 'type=zip,dest=x': unknown --output type", "--output", "type=zip,dest=x")]
    [InlineData("invalid --output 'type=tar': ", "--output", "type=tar")]
    [InlineData("invalid --output 'type=oci,dest=x,push=true': ", "-o", "type=oci,dest=x,push=true")]
    [InlineData("invalid --output 'type=image,push=maybe'", "-o", "type=image,push=maybe")]
    [InlineData("invalid --output 'type=image,colour=red': ", "-o", "type=image,colour=red")]
    [InlineData("invalid SOURCE_DATE_EPOCH", "--build-arg", "SOURCE_DATE_EPOCH=yesterday")]
    [InlineData("a push needs a name: -t registry/repo:tag", "-o", "type=image,push=true")]
    [InlineData("--rm=false is not supported: kiln never keeps intermediate containers", "--rm", "false")]
    [InlineData("invalid --secret 'src=x': id= is required", "--secret", "src=x")]
    [InlineData("invalid --secret 'id=a,src=/nonexistent/file': the file /nonexistent/file does not exist", "--secret", "id=a,src=/nonexistent/file")]
    [InlineData("invalid --secret 'id=a,env=KILN_TEST_UNSET_VARIABLE': the environment variable KILN_TEST_UNSET_VARIABLE is not set", "--secret", "id=a,env=KILN_TEST_UNSET_VARIABLE")]
    [InlineData("invalid --secret 'id=a,type=ssh': type=ssh: use file or env", "--secret", "id=a,type=ssh")]
    [InlineData("invalid --ssh 'default=/etc': /etc is neither an ssh agent socket nor a key file", "--ssh", "default=/etc")]
    [InlineData("invalid --ssh '=/tmp/x': the id is empty", "--ssh", "=/tmp/x")]
    [InlineData("--push pushes the image; it cannot go with --output type=tar", "--push", "--output=type=tar,dest=x.tar")]
    [InlineData("invalid --build-context 'src': expected NAME=VALUE (a directory or docker-image://REF)", "--build-context", "src")]
    [InlineData("invalid --build-context '=/tmp': the name is empty", "--build-context", "=/tmp")]
    [InlineData("invalid --build-context 'Src=/tmp': invalid context name Src: invalid reference format", "--build-context", "Src=/tmp")]
    [InlineData("invalid --build-context 'src=': the value is empty: give a directory or docker-image://REF", "--build-context", "src=")]
    [InlineData("invalid --build-context 'src=/nonexistent/dir': /nonexistent/dir does not exist", "--build-context", "src=/nonexistent/dir")]
    [InlineData("invalid --build-context 'src=/etc/passwd': /etc/passwd is not a directory", "--build-context", "src=/etc/passwd")]
    [InlineData("invalid --build-context 'base=docker-image://Not/Valid': invalid reference format", "--build-context", "base=docker-image://Not/Valid")]
    [InlineData("--build-context 'web=https://example.com/ctx.tar': https:// contexts are not supported yet (kiln takes a directory or docker-image://REF)", "--build-context", "web=https://example.com/ctx.tar")]
    [InlineData("--build-context 'repo=ssh://git@example.com/repo.git': ssh:// contexts are not supported yet", "--build-context", "repo=ssh://git@example.com/repo.git")]
    [InlineData("--build-context 'repo=https://example.com/repo.git?ref=a&tag=b': ref conflicts: \"a\" vs \"refs/tags/b\"", "--build-context", "repo=https://example.com/repo.git?ref=a&tag=b")]
    [InlineData("--build-context 'layout=oci-layout:///tmp/layout@sha256:abc': oci-layout:// contexts are not supported yet", "--build-context", "layout=oci-layout:///tmp/layout@sha256:abc")]
    [InlineData("--build-context 'app=target:app': target: contexts are not supported yet", "--build-context", "app=target:app")]
    [InlineData("--build-context 'in=input:in': input: contexts are not supported yet", "--build-context", "in=input:in")]
    [InlineData("invalid --memory '64x': expected a size such as 64m or 1g", "--memory", "64x")]
    [InlineData("invalid --memory: the minimum is 6 MiB (6m), got 1048576 bytes", "-m", "1m")]
    [InlineData("--memory-swap needs --memory: it is the total of memory and swap", "--memory-swap", "1g")]
    [InlineData("invalid --cpus 'many': expected a number from 0.01 to", "--cpus", "many")]
    [InlineData("invalid --cpus '0': expected a number from 0.01 to", "--cpus", "0")]
    [InlineData("invalid --cpus '100000': expected a number from 0.01 to", "--cpus", "100000")]
    [InlineData("invalid --cpu-shares '0': expected a whole number of at least 1", "-c", "0")]
    [InlineData("invalid --cpu-period '500': expected a whole number from 1000 to 1000000", "--cpu-period", "500")]
    [InlineData("invalid --cpu-quota '10': expected a whole number of at least 1000", "--cpu-quota", "10")]
    [InlineData("invalid --cpuset-cpus '0-': expected numbers and ranges such as 0-3 or 0,2", "--cpuset-cpus", "0-")]
    [InlineData("invalid --cpuset-mems 'all': expected numbers and ranges such as 0-3 or 0,2", "--cpuset-mems", "all")]
    [InlineData("invalid --pids-limit '-5': expected a whole number of at least -1", "--pids-limit", "-5")]
    [InlineData("invalid --pids-limit 'lots': expected a whole number of at least -1", "--pids-limit", "lots")]
    public void A_bad_option_is_an_error_with_exit_code_1(string message, string option, string value)
    {
        var run = CliRun.Of("build", "--root", _root, option, value, _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.StartsWith("ERROR: kiln build: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--memory-swap must be at least --memory: it is the total of memory and swap", "--memory", "64m", "--memory-swap", "32m")]
    [InlineData("--cpus cannot be used with --cpu-period or --cpu-quota: it sets both", "--cpus", "1", "--cpu-period", "100000")]
    public void Limits_that_contradict_each_other_are_an_error(string message, params string[] flags)
    {
        var run = CliRun.Of(["build", "--root", _root, .. flags, _context]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"ERROR: kiln build: {message}\n", run.Error);
    }

    [Theory]
    [InlineData("--network", "bridge")]
    [InlineData("--progress", "fancy")]
    public void A_value_outside_the_choices_is_refused(string option, string value)
    {
        var run = CliRun.Of("build", "--root", _root, option, value, _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(value, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_platform_is_not_supported_yet()
    {
        var other = Oci.OciPlatform.Host.Architecture == "arm64" ? "linux/amd64" : "linux/arm64";

        var run = CliRun.Of("build", "--root", _root, "--platform", other, _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"--platform {other}", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not supported yet: only this machine's platform", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_platform_is_accepted()
    {
        var run = CliRun.Of("build", "--root", _root, "--platform", Oci.OciPlatform.Host.ToString(), "--check", _context);

        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Fact]
    public void Every_output_type_is_written()
    {
        // COPY needs the snapshotter; the end-to-end tests cover outputs with content.
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nLABEL a=b\n");
        var outDir = Directory.CreateTempSubdirectory("kiln-cli-out-").FullName;
        try
        {
            var tar = Path.Combine(outDir, "rootfs.tar");
            var oci = Path.Combine(outDir, "image.oci.tar");
            var docker = Path.Combine(outDir, "image.docker.tar");
            var local = Path.Combine(outDir, "local");

            var run = CliRun.Of(
                "build", "--root", _root, "--progress", "plain", "-t", "outputs:1",
                "-o", $"type=tar,dest={tar}", "-o", $"type=oci,dest={oci}", "-o", $"type=docker,dest={docker}", "-o", local, "-o", "type=image",
                _context);

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.True(Directory.Exists(local));
            Assert.True(new FileInfo(tar).Length > 0);
            Assert.True(new FileInfo(oci).Length > 0);
            Assert.True(new FileInfo(docker).Length > 0);
            var images = CliRun.Of("images", "--root", _root);
            Assert.Contains("outputs", images.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Fact]
    public void A_build_the_engine_cannot_run_yet_fails_clearly_with_plain_progress()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nRUN --device=vendor.com/gpu=all true\n");

        var run = CliRun.Of("build", "--root", _root, "--progress", "plain", "-t", "app:1", "--label", "a=b", "--network", "none", "--no-cache", "--pull", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not supported yet [KB1001]", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void A_privileged_run_without_the_entitlement_and_an_unknown_entitlement_are_refused()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nRUN --security=insecure true\n");

        var run = CliRun.Of("build", "--root", _root, "--progress", "plain", _context);
        var unknown = CliRun.Of("build", "--root", _root, "--allow", "network.host,device", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("RUN --security=insecure needs the security.insecure entitlement: kiln build --allow security.insecure [KB1005]", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown --allow entitlement 'device' (kiln knows security.insecure and network.host)", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metadata_file_holds_the_image_id_the_manifest_digest_and_the_names()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nLABEL a=b\n");
        var metadata = Path.Combine(_context, "metadata.json");
        var iid = Path.Combine(_context, "iid");

        var run = CliRun.Of("build", "--root", _root, "-q", "-t", "app:1", "-t", "registry.example:5000/team/app:2", "--iidfile", iid, "--metadata-file", metadata, _context);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(metadata));
        var root = json.RootElement;
        Assert.Equal(File.ReadAllText(iid), root.GetProperty("containerimage.config.digest").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", root.GetProperty("containerimage.digest").GetString());
        Assert.NotEqual(File.ReadAllText(iid), root.GetProperty("containerimage.digest").GetString());
        Assert.Equal("docker.io/library/app:1,registry.example:5000/team/app:2", root.GetProperty("image.name").GetString());
        Assert.Contains(root.GetProperty("containerimage.digest").GetString()!, CliRun.Of("inspect", "--root", _root, "app:1").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_base_image_points_at_its_from_line()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nFROM nosuchimage:1\nRUN x\n");

        var run = CliRun.Of("build", "--root", _root, "--progress", "plain", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("#2 [internal] load metadata for docker.io/library/nosuchimage:1", run.Error, StringComparison.Ordinal);
        Assert.Contains(">>> FROM nosuchimage:1", run.Error, StringComparison.Ordinal);
        Assert.Contains("[KB1004]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frontend_error_is_rendered_with_its_excerpt()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nCOPY --form=x a b\n");

        var run = CliRun.Of("build", "--root", _root, "--progress", "plain", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(">>> COPY --form=x a b", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_still_works_with_every_option_given()
    {
        var run = CliRun.Of("build", "--check", "-t", "x", "--progress", "plain", "--no-cache", _context);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("Check complete, no warnings found.\n", run.Output);
    }
}
