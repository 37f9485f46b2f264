using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class ExpansionTests
{
    private static readonly System.Collections.Immutable.ImmutableDictionary<string, string> Env =
        Expand.Env(("NAME", "app"), ("DIR", "/srv"), ("MODE", "0640"), ("SYM", "u+x"), ("PORTS", "80 443/udp"), ("EMPTY", ""), ("SIG", "SIGQUIT"));

    [Fact]
    public void From_expands_image_and_platform_but_not_the_stage_name()
    {
        var from = Expand.Ok<FromInstruction>(Syntax.Make("FROM", ["$NAME:1", "AS", "x"], ["--platform=${DIR}"]), Env);
        Assert.Equal("app:1", from.BaseName);
        Assert.Equal("/srv", from.Platform);
        Assert.Equal("x", from.StageName);
    }

    [Fact]
    public void From_with_a_blank_expanded_image_is_an_error() =>
        Expand.Fails(Syntax.Of("FROM", "$EMPTY"), Env, DiagnosticCodes.BlankBaseName, "base name ($EMPTY) should not be blank");

    [Fact]
    public void Env_and_label_expand_names_and_values_and_remove_quotes()
    {
        var env = Expand.Ok<EnvInstruction>(Syntax.Pairs("ENV", false, ("P_$NAME", "\"$DIR/bin\" x")), Env);
        Assert.Equal(new NameValue("P_app", "/srv/bin x"), env.Variables[0]);
        var label = Expand.Ok<LabelInstruction>(Syntax.Pairs("LABEL", false, ("org.$NAME", "'$DIR'")), Env);
        Assert.Equal(new NameValue("org.app", "$DIR"), label.Labels[0]);
    }

    [Fact]
    public void Expansion_reports_found_and_missing_variables()
    {
        var expansion = Expand.Run(Syntax.Of("WORKDIR", "$DIR/$MISSING"), Env);
        Assert.Equal("/srv/", ((WorkdirInstruction)expansion.Instruction).Path);
        Assert.Contains("DIR", expansion.Matched);
        Assert.Contains("MISSING", expansion.Unmatched);
    }

    [Fact]
    public void A_failing_expansion_keeps_the_instruction_and_reports_the_error()
    {
        var expansion = Expand.Run(Syntax.Of("USER", "${MISSING:?set MISSING}"), Env);
        Assert.False(expansion.Succeeded);
        Assert.Equal("${MISSING:?set MISSING}", ((UserInstruction)expansion.Instruction).User);
        var error = Assert.Single(expansion.Diagnostics);
        Assert.Equal(DiagnosticCodes.ExpansionFailed, error.Code);
        Assert.Contains("set MISSING", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arg_expands_defaults_but_never_names()
    {
        var arg = Expand.Ok<ArgInstruction>(Syntax.Of("ARG", "$NAME=${DIR}", "B"), Env);
        AssertSeq.Equal([new ArgDeclaration("$NAME", "/srv"), new ArgDeclaration("B", null)], arg.Args);
    }

    [Fact]
    public void Copy_expands_sources_destination_chown_and_chmod_but_not_excludes()
    {
        var copy = Expand.Ok<CopyInstruction>(
            Syntax.Make("COPY", ["$NAME/*", "\"a b\"", "$DIR/"], ["--chown=$NAME:$NAME", "--chmod=$MODE", "--exclude=$NAME"]),
            Env);
        AssertSeq.Equal(["app/*", "a b"], copy.Sources);
        Assert.Equal("/srv/", copy.Destination);
        Assert.Equal("app:app", copy.Chown);
        Assert.Equal(new Chmod("0640", 0x1A0), copy.Chmod);
        AssertSeq.Equal(["$NAME"], copy.Excludes);
    }

    [Fact]
    public void Chmod_from_a_variable_is_validated_after_expansion()
    {
        Assert.True(Expand.Ok<CopyInstruction>(Syntax.Make("COPY", ["a", "b"], ["--chmod=$SYM"]), Env).Chmod!.IsSymbolic);
        Expand.Fails(Syntax.Make("COPY", ["a", "b"], ["--chmod=${NAME}"]), Env, DiagnosticCodes.InvalidChmod, "invalid chmod parameter: 'app'");
    }

    [Fact]
    public void Copy_from_must_not_use_variables()
    {
        Assert.Equal("build", Expand.Ok<CopyInstruction>(Syntax.Make("COPY", ["a", "b"], ["--from=build"]), Env).From);
        Expand.Fails(Syntax.Make("COPY", ["a", "b"], ["--from=$NAME"]), Env, DiagnosticCodes.CopyFromVariable, "variable expansion is not supported for --from");
    }

    [Fact]
    public void Copy_heredoc_bodies_expand_variables_and_escapes_but_keep_quotes()
    {
        Heredoc[] heredocs =
        [
            new("EOF", "name=\"$NAME\" 'x' a\\nb\n", Expand: true, Chomp: false, FileDescriptor: 0),
            new("RAW", "keep $NAME\n", Expand: false, Chomp: false, FileDescriptor: 0),
        ];
        var copy = Expand.Ok<CopyInstruction>(Syntax.Make("COPY", ["<<EOF", "<<'RAW'", "/d/"], heredocs: heredocs), Env);
        Assert.Equal("name=\"app\" 'x' anb\n", copy.SourceContents[0].Data);
        Assert.Equal("keep $NAME\n", copy.SourceContents[1].Data);
    }

    [Fact]
    public void Add_checksum_is_expanded_and_needs_one_remote_source()
    {
        var add = Expand.Ok<AddInstruction>(Syntax.Make("ADD", ["https://example.com/$NAME.tgz", "/"], ["--checksum=sha256:$NAME"]), Env);
        Assert.Equal("sha256:app", add.Checksum);
        AssertSeq.Equal(["https://example.com/app.tgz"], add.Sources);
        Expand.Fails(Syntax.Make("ADD", ["a", "b", "/"], ["--checksum=sha256:x"]), Env, DiagnosticCodes.InvalidChecksumUse, "multiple sources");
        Expand.Fails(Syntax.Make("ADD", ["local.tgz", "/"], ["--checksum=sha256:x"]), Env, DiagnosticCodes.InvalidChecksumUse, "HTTP(S) or Git");
    }

    [Fact]
    public void Expose_splits_expanded_words_and_lists_each_port()
    {
        var expose = Expand.Ok<ExposeInstruction>(Syntax.Of("EXPOSE", "$PORTS", "8000-8002/UDP", "127.0.0.1:8080:80/tcp"), Env);
        // The raw words were sorted at parse time ("$PORTS" first), then expanded in place.
        AssertSeq.Equal(["80", "443/udp", "127.0.0.1:8080:80/tcp", "8000-8002/UDP"], expose.Ports);
        AssertSeq.Equal(
            [new ExposedPort(80, "tcp"), new ExposedPort(443, "udp"), new ExposedPort(8000, "udp"), new ExposedPort(8001, "udp"), new ExposedPort(8002, "udp")],
            expose.ExposedPorts);
    }

    [Theory]
    [InlineData("abc", DiagnosticCodes.InvalidPort, "invalid containerPort: abc")]
    [InlineData("70000", DiagnosticCodes.InvalidPort, "invalid containerPort: 70000")]
    [InlineData("80/tpc", DiagnosticCodes.InvalidPortProtocol, "invalid proto: tpc (EXPOSE 80/tpc) (did you mean tcp?)")]
    [InlineData("8010-8000", DiagnosticCodes.InvalidPortRange, "invalid range specified for container port: 8010-8000")]
    public void Invalid_expose_values_are_found_after_expansion(string word, string code, string message) =>
        Expand.Fails(Syntax.Of("EXPOSE", word), Env, code, message);

    [Fact]
    public void Volume_user_workdir_expand_their_words()
    {
        AssertSeq.Equal(["/srv/data", "/app"], Expand.Ok<VolumeInstruction>(Syntax.Of("VOLUME", "$DIR/data", "/$NAME"), Env).Volumes);
        Assert.Equal("app:app", Expand.Ok<UserInstruction>(Syntax.Of("USER", "${NAME}:$NAME"), Env).User);
        Assert.Equal("/srv/x", Expand.Ok<WorkdirInstruction>(Syntax.Of("WORKDIR", "$DIR/x"), Env).Path);
        Expand.Fails(Syntax.Of("VOLUME", "$EMPTY"), Env, DiagnosticCodes.EmptyVolume, "VOLUME specified can not be an empty string");
    }

    [Theory]
    [InlineData("$SIG")]
    [InlineData("SIGTERM")]
    [InlineData("term")]
    [InlineData("9")]
    [InlineData("SIGRTMIN+3")]
    public void Stop_signal_accepts_names_and_numbers(string signal) =>
        Assert.True(Expand.Run(Syntax.Of("STOPSIGNAL", signal), Env).Succeeded);

    [Theory]
    [InlineData("SIGTREM", "invalid signal: SIGTREM (did you mean SIGTERM?)")]
    [InlineData("0", "invalid signal: 0")]
    [InlineData("$EMPTY", "invalid signal: ")]
    public void Stop_signal_rejects_unknown_signals(string signal, string message) =>
        Expand.Fails(Syntax.Of("STOPSIGNAL", signal), Env, DiagnosticCodes.InvalidSignal, message);

    [Fact]
    public void Run_expands_mount_values_but_never_the_command()
    {
        var run = Expand.Ok<RunInstruction>(Syntax.Make("RUN", ["echo $NAME"], ["--mount=type=cache,target=$DIR/cache,id=$NAME"]), Env);
        Assert.Equal(["echo $NAME"], run.Command.Args.ToArray());
        var mount = Assert.Single(run.Mounts);
        Assert.True(mount.IsResolved);
        Assert.Equal("/srv/cache", mount.Target);
        Assert.Equal("app", mount.Id);
        Assert.False(mount.ReadOnly);
    }

    [Fact]
    public void Mount_values_are_validated_after_expansion() =>
        Expand.Fails(
            Syntax.Make("RUN", ["true"], ["--mount=type=cache,target=/c,sharing=$NAME"]),
            Env,
            DiagnosticCodes.MountInvalidSharing,
            "unsupported sharing value \"app\"");

    [Fact]
    public void Mount_type_from_a_variable_decides_which_options_are_allowed()
    {
        var env = Expand.Env(("T", "tmpfs"));
        var run = Expand.Ok<RunInstruction>(Syntax.Make("RUN", ["true"], ["--mount=type=$T,target=/t,size=1m"]), env);
        Assert.Equal(MountType.Tmpfs, run.Mounts[0].Type);
        Assert.Equal(1L << 20, run.Mounts[0].SizeLimit);
        Expand.Fails(Syntax.Make("RUN", ["true"], ["--mount=type=$T,target=/t,mode=0700"]), env, DiagnosticCodes.MountOptionNotAllowed, "mode not allowed");
    }

    [Theory]
    [InlineData("CMD")]
    [InlineData("ENTRYPOINT")]
    [InlineData("MAINTAINER")]
    public void Cmd_entrypoint_and_maintainer_are_never_expanded(string keyword)
    {
        var syntax = Syntax.Of(keyword, "$NAME");
        var parsed = InstructionParser.Parse(syntax).Instruction!;
        var expansion = Expand.Run(syntax, Env);
        Assert.Same(parsed.GetType(), expansion.Instruction.GetType());
        Assert.Equal(parsed.Original, expansion.Instruction.Original);
        Assert.Empty(expansion.Diagnostics);
        Assert.Empty(expansion.Matched);
    }
}
