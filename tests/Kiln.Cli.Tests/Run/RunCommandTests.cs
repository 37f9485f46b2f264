using Kiln.Cli.Commands;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Run;

public sealed class RunCommandTests
{
    [Fact]
    public void Runs_the_images_cmd_in_its_workdir()
    {
        using var store = new BusyboxStore();

        var run = store.Run("run", "--rm", BusyboxStore.Image);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("hello from the image\n", run.Output);
        Assert.Empty(store.Mounts());
    }

    [Theory]
    [InlineData("crun")]
    [InlineData("runc")]
    public void Arguments_after_the_image_belong_to_the_container(string runtime)
    {
        using var store = new BusyboxStore();

        var run = store.Run("run", "--runtime", runtime, "-e", "GREETING=hey", "-e", "EXTRA=1", BusyboxStore.Image, "sh", "-c", "echo $GREETING $EXTRA; pwd; id -u; exit 7");

        Assert.Equal(7, run.ExitCode);
        Assert.Equal("hey 1\n/srv/app\n0\n", run.Output);
        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void User_entrypoint_and_network_options_apply()
    {
        using var store = new BusyboxStore();

        var run = store.Run("run", "--user", "alice", "--entrypoint", "/bin/sh", "--network", "none", BusyboxStore.Image, "-c", "id -u; ls /sys/class/net");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("1000\nlo\n", run.Output);
    }

    [Fact]
    public void Errors_are_reported_with_code_125()
    {
        using var store = new BusyboxStore();

        var missing = store.Run("run", "no-such-image");
        var user = store.Run("run", "--user", "mallory", BusyboxStore.Image);

        Assert.Equal(RunCommand.ToolFailed, missing.ExitCode);
        Assert.Contains("ERROR: kiln run:", missing.Error, StringComparison.Ordinal);
        Assert.Equal(RunCommand.ToolFailed, user.ExitCode);
        Assert.Contains("unable to find user mallory", user.Error, StringComparison.Ordinal);
        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void Copies_a_file_and_a_directory_out_of_an_image()
    {
        using var store = new BusyboxStore();
        var destination = Path.Combine(store.Path, "out");
        Directory.CreateDirectory(destination);

        var file = store.Run("cp", $"{BusyboxStore.Image}:/srv/app/hello.txt", Path.Combine(destination, "copy.txt"));
        var intoDirectory = store.Run("cp", $"{BusyboxStore.Image}:hello.txt", destination);
        var directory = store.Run("cp", $"{BusyboxStore.Image}:/srv/app", Path.Combine(destination, "app"));

        Assert.Equal((0, 0, 0), (file.ExitCode, intoDirectory.ExitCode, directory.ExitCode));
        Assert.Equal("hello from the image\n", File.ReadAllText(Path.Combine(destination, "copy.txt")));
        Assert.Equal("hello from the image\n", File.ReadAllText(Path.Combine(destination, "hello.txt")));
        Assert.Equal("#!/bin/sh\necho run\n", File.ReadAllText(Path.Combine(destination, "app", "sub", "run.sh")));
        Assert.Equal("750", BusyboxStore.Exec("stat", "-c", "%a", Path.Combine(destination, "app", "sub", "run.sh")).Trim());
        Assert.Equal("hello.txt", new FileInfo(Path.Combine(destination, "app", "link")).LinkTarget);
        Assert.Empty(store.Mounts());
    }

    [Fact]
    public void Cp_refuses_a_missing_path_and_a_path_that_climbs_out()
    {
        using var store = new BusyboxStore();

        var missing = store.Run("cp", $"{BusyboxStore.Image}:/nope", Path.Combine(store.Path, "x"));
        var climbing = store.Run("cp", $"{BusyboxStore.Image}:/../../etc/shadow", Path.Combine(store.Path, "y"));

        Assert.Equal(ExitCodes.UserError, missing.ExitCode);
        Assert.Equal(ExitCodes.UserError, climbing.ExitCode);
        Assert.False(File.Exists(Path.Combine(store.Path, "y")));
        Assert.Empty(store.Mounts());
    }

    [Theory]
    [InlineData(new[] { "run", "img", "ls", "-la" }, new[] { "run", "img", "--", "ls", "-la" })]
    [InlineData(new[] { "--root", "/r", "run", "-e", "A=1", "--rm", "img", "-x" }, new[] { "--root", "/r", "run", "-e", "A=1", "--rm", "img", "--", "-x" })]
    [InlineData(new[] { "run", "img" }, new[] { "run", "img" })]
    [InlineData(new[] { "run", "img", "--", "x" }, new[] { "run", "img", "--", "x" })]
    [InlineData(new[] { "images", "img", "-q" }, new[] { "images", "img", "-q" })]
    public void Container_arguments_are_separated(string[] args, string[] expected) =>
        Assert.Equal(expected, RunCommand.SeparateContainerArguments(args));

    [Fact]
    public void Entrypoint_and_cmd_follow_dockers_rules()
    {
        var config = new ContainerConfig { Entrypoint = ["/entry"], Cmd = ["default"] };

        Assert.Equal(["/entry", "default"], RunCommand.Command(config, null, []).ToArray());
        Assert.Equal(["/entry", "x"], RunCommand.Command(config, null, ["x"]).ToArray());
        Assert.Equal(["/other"], RunCommand.Command(config, "/other", []).ToArray());
        Assert.Equal(["y"], RunCommand.Command(config, string.Empty, ["y"]).ToArray());
        Assert.Throws<ArgumentException>(() => RunCommand.Command(new ContainerConfig(), null, []));
    }
}
