using System.Text.Json;
using Kiln.Cli.Commands;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Archives;

/// <summary><c>kiln import --change</c>: each instruction docker import accepts, and the ones it refuses.</summary>
public sealed class ImportChangeTests
{
    [Fact]
    public void Every_accepted_instruction_changes_the_config()
    {
        var config = ImportChanges.Apply(
            new ContainerConfig(),
            [
                "ENV PATH=/bin GREETING=hi",
                "ENV MESSAGE=\"${GREETING} there\"",
                "LABEL org.example.name=$GREETING other=x",
                "EXPOSE 80 53/udp",
                "VOLUME /data",
                "VOLUME [\"/cache\"]",
                "USER 1000:1000",
                "WORKDIR /srv",
                "WORKDIR app",
                "ONBUILD RUN echo triggered",
                "CMD [\"/bin/sh\", \"-c\", \"echo $MESSAGE\"]",
                "ENTRYPOINT echo hello",
            ],
            out var error);
        Assert.Null(error);
        Assert.Equal(["PATH=/bin", "GREETING=hi", "MESSAGE=hi there"], config.Env!.Value.ToArray());
        Assert.Equal("hi", config.Labels!["org.example.name"]);
        Assert.Equal(["53/udp", "80/tcp"], config.ExposedPorts!.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["/cache", "/data"], config.Volumes!.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("1000:1000", config.User);
        Assert.Equal("/srv/app", config.WorkingDir);
        Assert.Equal(["RUN echo triggered"], config.OnBuild!.Value.ToArray());
        Assert.Equal(["/bin/sh", "-c", "echo $MESSAGE"], config.Cmd!.Value.ToArray());
        Assert.Equal(["/bin/sh", "-c", "echo hello"], config.Entrypoint!.Value.ToArray());
    }

    [Fact]
    public void Entrypoint_clears_a_cmd_no_change_set_as_docker_does()
    {
        var config = ImportChanges.Apply(new ContainerConfig { Cmd = ["old"] }, ["ENTRYPOINT [\"/bin/busybox\"]"], out var error);
        Assert.Null(error);
        Assert.Null(config.Cmd);
        Assert.Equal(["/bin/busybox"], config.Entrypoint!.Value.ToArray());
    }

    [Theory]
    [InlineData("RUN echo hi", "RUN is not a valid change command")]
    [InlineData("COPY a b", "COPY is not a valid change command")]
    [InlineData("FROM busybox", "FROM is not a valid change command")]
    [InlineData("HEALTHCHECK NONE", "HEALTHCHECK is not a valid change command")]
    [InlineData("EXPOSE 80/bogus", "80/bogus")]
    [InlineData("ENV", "ENV requires at least one argument")]
    [InlineData("ONBUILD ONBUILD RUN x", "ONBUILD ONBUILD")]
    [InlineData("ENV A=${B:?unset}", "unset")]
    public void Refused_changes_say_why(string change, string message)
    {
        ImportChanges.Apply(new ContainerConfig(), [change], out var error);
        Assert.NotNull(error);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains(change, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_import_save_load_prints_like_docker()
    {
        var dir = Directory.CreateTempSubdirectory("kiln-cli-archives-").FullName;
        try
        {
            var rootfs = Path.Combine(dir, "rootfs");
            Directory.CreateDirectory(rootfs);
            File.WriteAllText(Path.Combine(rootfs, "hello.txt"), "hi\n");
            var tar = Path.Combine(dir, "rootfs.tar");
            using (var process = System.Diagnostics.Process.Start("tar", ["-C", rootfs, "-cf", tar, "."]))
            {
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }

            var refused = CliRun.Of("--root", Path.Combine(dir, "a"), "import", "--change", "RUN true", tar, "x:1");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("RUN is not a valid change command", refused.Error, StringComparison.Ordinal);

            var imported = CliRun.Of("--root", Path.Combine(dir, "a"), "import", "--change", "CMD [\"/hello\"]", "--platform", "linux/arm64", tar, "x:1");
            Assert.True(imported.ExitCode == 0, imported.Error);
            Assert.StartsWith("sha256:", imported.Output, StringComparison.Ordinal);
            Assert.Single(Directory.GetDirectories(Path.Combine(dir, "a", "snapshots", "layers")));

            var saved = CliRun.Of("--root", Path.Combine(dir, "a"), "save", "-o", Path.Combine(dir, "x.tar"), "x:1");
            Assert.True(saved.ExitCode == 0, saved.Error);
            var loaded = CliRun.Of("--root", Path.Combine(dir, "b"), "load", "-i", Path.Combine(dir, "x.tar"));
            Assert.True(loaded.ExitCode == 0, loaded.Error);
            Assert.Equal("Loaded image: x:1\n", loaded.Output);

            var missing = CliRun.Of("--root", Path.Combine(dir, "b"), "load", "-i", Path.Combine(dir, "rootfs.tar"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("neither manifest.json", missing.Error, StringComparison.Ordinal);

            var inspect = CliRun.Of("--root", Path.Combine(dir, "b"), "inspect", "x:1");
            using var json = JsonDocument.Parse(inspect.Output);
            Assert.Equal("arm64", json.RootElement[0].GetProperty("Architecture").GetString());
            Assert.Equal(imported.Output.Trim(), json.RootElement[0].GetProperty("Id").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
