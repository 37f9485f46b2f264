using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class RunParsingTests
{
    [Fact]
    public void Shell_form_keeps_the_command_verbatim_and_prepends_the_shell()
    {
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Of("RUN", "echo \"$HOME\" && ls"));
        AssertSeq.Equal(["echo \"$HOME\" && ls"], run.Command.Args);
        Assert.True(run.Command.PrependShell);
        Assert.False(run.Command.IsExecForm);
        Assert.Equal(RunNetwork.Default, run.Network);
        Assert.Equal(RunSecurity.Sandbox, run.Security);
        Assert.Empty(run.Mounts);
    }

    [Fact]
    public void Exec_form_keeps_each_element()
    {
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["echo", "a b"], json: true));
        AssertSeq.Equal(["echo", "a b"], run.Command.Args);
        Assert.True(run.Command.IsExecForm);
    }

    [Fact]
    public void Run_keeps_its_heredocs()
    {
        var heredoc = new Heredoc("EOF", "echo hi\n", Expand: true, Chomp: false, FileDescriptor: 0);
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["<<EOF"], heredocs: [heredoc]));
        Assert.Equal(heredoc, Assert.Single(run.Heredocs));
    }

    [Theory]
    [InlineData("default", RunNetwork.Default)]
    [InlineData("none", RunNetwork.None)]
    [InlineData("host", RunNetwork.Host)]
    public void Network_modes_are_parsed(string value, RunNetwork expected) =>
        Assert.Equal(expected, ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["x"], [$"--network={value}"])).Network);

    [Fact]
    public void Unknown_network_mode_suggests_the_closest() =>
        ParseAssert.Fails(Syntax.Make("RUN", ["x"], ["--network=hots"]), DiagnosticCodes.InvalidNetwork, "invalid network mode \"hots\" (did you mean host?)");

    [Theory]
    [InlineData("sandbox", RunSecurity.Sandbox)]
    [InlineData("insecure", RunSecurity.Insecure)]
    public void Security_modes_are_parsed(string value, RunSecurity expected) =>
        Assert.Equal(expected, ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["x"], [$"--security={value}"])).Security);

    [Fact]
    public void Unknown_security_mode_suggests_the_closest() =>
        ParseAssert.Fails(Syntax.Make("RUN", ["x"], ["--security=insecur"]), DiagnosticCodes.InvalidSecurity, "(did you mean insecure?)");

    [Fact]
    public void Flags_used_are_listed_once_in_order()
    {
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["x"], ["--network=none", "--mount=type=tmpfs,target=/t", "--mount=type=tmpfs,target=/u"]));
        AssertSeq.Equal(["network", "mount"], run.FlagsUsed);
        Assert.Equal(2, run.Mounts.Length);
    }

    [Theory]
    [InlineData("gpu", "gpu", false)]
    [InlineData("vendor.com/gpu=all,required", "vendor.com/gpu=all", true)]
    [InlineData("name=nvidia.com/gpu=0,required=false", "nvidia.com/gpu=0", false)]
    public void Devices_are_parsed(string spec, string name, bool required)
    {
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["x"], [$"--device={spec}"]));
        Assert.Equal(new RunDevice(name, required), Assert.Single(run.Devices));
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("a,name=b")]
    [InlineData("a,required=maybe")]
    [InlineData("a,requird=true")]
    public void Invalid_devices_are_rejected(string spec) =>
        ParseAssert.Fails(Syntax.Make("RUN", ["x"], [$"--device={spec}"]), DiagnosticCodes.InvalidDevice);
}
