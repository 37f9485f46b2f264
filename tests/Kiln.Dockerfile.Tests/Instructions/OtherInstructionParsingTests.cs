using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class OtherInstructionParsingTests
{
    [Fact]
    public void Env_pairs_keep_quotes_until_expansion()
    {
        var env = ParseAssert.Parses<EnvInstruction>(Syntax.Pairs("ENV", false, ("A", "\"a b\""), ("B", "2")));
        AssertSeq.Equal([new NameValue("A", "\"a b\""), new NameValue("B", "2")], env.Variables);
    }

    [Fact]
    public void Legacy_env_form_is_marked()
    {
        var env = ParseAssert.Parses<EnvInstruction>(Syntax.Pairs("ENV", true, ("PATH", "/usr/bin:/bin")));
        Assert.True(Assert.Single(env.Variables).IsLegacy);
    }

    [Theory]
    [InlineData("ENV")]
    [InlineData("LABEL")]
    public void Name_value_instructions_need_an_argument(string keyword) =>
        ParseAssert.Fails(Syntax.Make(keyword, []), DiagnosticCodes.RequiresAtLeastOneArgument, $"{keyword} requires at least one argument");

    [Theory]
    [InlineData("ENV")]
    [InlineData("LABEL")]
    public void Blank_names_are_rejected(string keyword) =>
        ParseAssert.Fails(Syntax.Pairs(keyword, false, ("", "x")), DiagnosticCodes.BlankName, $"{keyword} names can not be blank");

    [Fact]
    public void Malformed_pair_lists_are_rejected() =>
        ParseAssert.Fails(Syntax.Of("LABEL", "a", "b"), DiagnosticCodes.MalformedNameValues);

    [Fact]
    public void Label_pairs_are_parsed() =>
        Assert.Equal("1.0", ParseAssert.Parses<LabelInstruction>(Syntax.Pairs("LABEL", false, ("version", "1.0"))).Labels[0].Value);

    [Fact]
    public void Arg_declares_several_names_with_optional_defaults()
    {
        var arg = ParseAssert.Parses<ArgInstruction>(Syntax.Of("ARG", "A", "B=", "C=x=y", "D=\"q\""));
        AssertSeq.Equal(
            [new ArgDeclaration("A", null), new ArgDeclaration("B", ""), new ArgDeclaration("C", "x=y"), new ArgDeclaration("D", "\"q\"")],
            arg.Args);
    }

    [Fact]
    public void Arg_needs_an_argument() => ParseAssert.Fails(Syntax.Make("ARG", []), DiagnosticCodes.RequiresAtLeastOneArgument);

    [Fact]
    public void Arg_with_a_blank_name_is_rejected() => ParseAssert.Fails(Syntax.Of("ARG", "=x"), DiagnosticCodes.BlankName, "ARG names can not be blank");

    [Theory]
    [InlineData("MAINTAINER")]
    [InlineData("USER")]
    [InlineData("WORKDIR")]
    [InlineData("STOPSIGNAL")]
    public void Single_argument_instructions_need_exactly_one(string keyword)
    {
        ParseAssert.Fails(Syntax.Make(keyword, []), DiagnosticCodes.RequiresExactlyOneArgument, $"{keyword} requires exactly one argument");
        ParseAssert.Fails(Syntax.Of(keyword, "a", "b"), DiagnosticCodes.RequiresExactlyOneArgument);
    }

    [Fact]
    public void User_splits_user_and_group()
    {
        var user = ParseAssert.Parses<UserInstruction>(Syntax.Of("USER", "app:staff"));
        Assert.Equal("app", user.UserName);
        Assert.Equal("staff", user.Group);
        Assert.Null(ParseAssert.Parses<UserInstruction>(Syntax.Of("USER", "1000")).Group);
    }

    [Fact]
    public void Workdir_maintainer_and_stopsignal_keep_their_argument()
    {
        Assert.Equal("/app dir", ParseAssert.Parses<WorkdirInstruction>(Syntax.Of("WORKDIR", "/app dir")).Path);
        Assert.Equal("Jo <jo@example.com>", ParseAssert.Parses<MaintainerInstruction>(Syntax.Of("MAINTAINER", "Jo <jo@example.com>")).Maintainer);
        Assert.Equal("SIGKILL", ParseAssert.Parses<StopSignalInstruction>(Syntax.Of("STOPSIGNAL", "SIGKILL")).Signal);
    }

    [Fact]
    public void Expose_sorts_its_words_as_buildkit_does()
    {
        var expose = ParseAssert.Parses<ExposeInstruction>(Syntax.Of("EXPOSE", "8080/udp", "443", "80"));
        AssertSeq.Equal(["443", "80", "8080/udp"], expose.Ports);
        Assert.Empty(expose.ExposedPorts);
    }

    [Fact]
    public void Expose_needs_an_argument() => ParseAssert.Fails(Syntax.Make("EXPOSE", []), DiagnosticCodes.RequiresAtLeastOneArgument);

    [Fact]
    public void Volume_takes_words_or_json_and_rejects_empty_paths()
    {
        AssertSeq.Equal(["/a", "/b"], ParseAssert.Parses<VolumeInstruction>(Syntax.Of("VOLUME", "/a", "/b")).Volumes);
        AssertSeq.Equal(["/a b"], ParseAssert.Parses<VolumeInstruction>(Syntax.Make("VOLUME", ["/a b"], json: true)).Volumes);
        ParseAssert.Fails(Syntax.Make("VOLUME", [" "], json: true), DiagnosticCodes.EmptyVolume, "VOLUME specified can not be an empty string");
        ParseAssert.Fails(Syntax.Make("VOLUME", []), DiagnosticCodes.RequiresAtLeastOneArgument);
    }

    [Fact]
    public void Cmd_and_entrypoint_keep_shell_or_exec_form()
    {
        var cmd = ParseAssert.Parses<CmdInstruction>(Syntax.Make("CMD", ["node", "app.js"], json: true));
        AssertSeq.Equal(["node", "app.js"], cmd.Command.Args);
        var entrypoint = ParseAssert.Parses<EntrypointInstruction>(Syntax.Of("ENTRYPOINT", "exec nginx -g 'daemon off;'"));
        AssertSeq.Equal(["exec nginx -g 'daemon off;'"], entrypoint.Command.Args);
        Assert.True(entrypoint.Command.PrependShell);
    }

    [Fact]
    public void Empty_exec_form_cmd_is_an_empty_command()
    {
        var cmd = ParseAssert.Parses<CmdInstruction>(Syntax.Make("CMD", [], json: true));
        Assert.Empty(cmd.Command.Args);
        Assert.True(cmd.Command.IsExecForm);
    }

    [Fact]
    public void Shell_requires_json_form()
    {
        AssertSeq.Equal(["/bin/bash", "-c"], ParseAssert.Parses<ShellInstruction>(Syntax.Make("SHELL", ["/bin/bash", "-c"], json: true)).Shell);
        ParseAssert.Fails(Syntax.Of("SHELL", "/bin/bash -c"), DiagnosticCodes.ShellRequiresJson, "SHELL requires the arguments to be in JSON form");
        ParseAssert.Fails(Syntax.Make("SHELL", [], json: true), DiagnosticCodes.RequiresAtLeastOneArgument);
    }

    [Fact]
    public void Onbuild_keeps_the_trigger_text()
    {
        var trigger = Syntax.Of("RUN", "make install");
        var onbuild = ParseAssert.Parses<OnbuildInstruction>(Syntax.Onbuild(trigger, "onbuild  RUN make install"));
        Assert.Equal("RUN make install", onbuild.Expression);
        Assert.Equal("RUN", onbuild.TriggerKeyword);
        Assert.Same(trigger, onbuild.Trigger);
    }

    [Fact]
    public void Onbuild_appends_heredoc_bodies_to_the_trigger_text()
    {
        var heredoc = new Heredoc("EOF", "echo hi\n", true, false, 0);
        var onbuild = ParseAssert.Parses<OnbuildInstruction>(Syntax.Onbuild(Syntax.Of("RUN", "<<EOF"), "ONBUILD RUN <<EOF", [heredoc]));
        Assert.Equal("RUN <<EOF\necho hi\nEOF", onbuild.Expression);
    }

    [Fact]
    public void Onbuild_onbuild_is_not_allowed() =>
        ParseAssert.Fails(
            Syntax.Onbuild(Syntax.Onbuild(Syntax.Of("RUN", "x"), "ONBUILD RUN x"), "ONBUILD ONBUILD RUN x"),
            DiagnosticCodes.OnbuildChaining,
            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");

    [Theory]
    [InlineData("FROM")]
    [InlineData("maintainer")]
    public void Onbuild_from_and_maintainer_are_not_allowed(string keyword) =>
        ParseAssert.Fails(
            Syntax.Onbuild(Syntax.Of(keyword, "x"), $"ONBUILD {keyword} x"),
            DiagnosticCodes.OnbuildTriggerNotAllowed,
            $"{keyword.ToUpperInvariant()} isn't allowed as an ONBUILD trigger");

    [Fact]
    public void Onbuild_needs_an_instruction() => ParseAssert.Fails(Syntax.Make("ONBUILD", []), DiagnosticCodes.RequiresAtLeastOneArgument);

    [Fact]
    public void Original_text_is_kept_on_every_instruction()
    {
        var syntax = Syntax.Make("WORKDIR", ["/app"], original: "WORKDIR   /app");
        Assert.Equal("WORKDIR   /app", ParseAssert.Parses<WorkdirInstruction>(syntax).Original);
    }

    [Fact]
    public void Parse_reports_the_instruction_keyword_for_every_type()
    {
        InstructionSyntax[] all =
        [
            Syntax.Of("FROM", "a"), Syntax.Of("RUN", "a"), Syntax.Of("CMD", "a"), Syntax.Of("ENTRYPOINT", "a"),
            Syntax.Pairs("LABEL", false, ("a", "b")), Syntax.Of("MAINTAINER", "a"), Syntax.Of("EXPOSE", "80"),
            Syntax.Pairs("ENV", false, ("a", "b")), Syntax.Of("ADD", "a", "b"), Syntax.Of("COPY", "a", "b"),
            Syntax.Of("VOLUME", "/a"), Syntax.Of("USER", "a"), Syntax.Of("WORKDIR", "/a"), Syntax.Of("ARG", "a"),
            Syntax.Onbuild(Syntax.Of("RUN", "a"), "ONBUILD RUN a"), Syntax.Of("STOPSIGNAL", "9"),
            Syntax.Of("HEALTHCHECK", "NONE"), Syntax.Make("SHELL", ["sh"], json: true),
        ];
        var keywords = all.Select(s => InstructionParser.Parse(s).Instruction!.Keyword).ToArray();
        Assert.Equal(InstructionParser.InstructionNames.Order(StringComparer.Ordinal), keywords.Order(StringComparer.Ordinal));
    }
}
