using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

/// <summary>End to end from Dockerfile text: the line parser's output is what the instruction parser expects.</summary>
public sealed class FromDockerfileTextTests
{
    private static InstructionParseResult[] ParseAll(string text)
    {
        var syntax = DockerfileParser.Parse(text);
        Assert.False(syntax.HasErrors, string.Join("; ", syntax.Diagnostics));
        return [.. syntax.Instructions.Select(InstructionParser.Parse)];
    }

    private static T Single<T>(string text)
        where T : Instruction
    {
        var result = Assert.Single(ParseAll(text));
        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        return Assert.IsType<T>(result.Instruction);
    }

    [Fact]
    public void A_small_dockerfile_parses_into_typed_instructions()
    {
        var results = ParseAll("""
            FROM --platform=$BUILDPLATFORM golang:1.23 AS build
            ARG TARGETOS TARGETARCH=amd64
            ENV CGO_ENABLED=0 GOFLAGS="-trimpath"
            RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -o /out/app .
            FROM scratch
            COPY --from=build --chmod=0755 /out/app /app
            EXPOSE 8080/tcp
            HEALTHCHECK --interval=30s CMD ["/app", "health"]
            ENTRYPOINT ["/app"]
            """);
        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Diagnostics)));
        var types = results.Select(r => r.Instruction!.GetType()).ToArray();
        Assert.Equal(
            [typeof(FromInstruction), typeof(ArgInstruction), typeof(EnvInstruction), typeof(RunInstruction), typeof(FromInstruction),
             typeof(CopyInstruction), typeof(ExposeInstruction), typeof(HealthcheckInstruction), typeof(EntrypointInstruction)],
            types);
        var run = (RunInstruction)results[3].Instruction!;
        Assert.Equal(RunNetwork.None, run.Network);
        Assert.Equal("/root/.cache/go-build", Assert.Single(run.Mounts).Target);
        var env = (EnvInstruction)results[2].Instruction!;
        Assert.Equal(new NameValue("GOFLAGS", "\"-trimpath\""), env.Variables[1]);
        Assert.Equal(["CMD", "/app", "health"], ((HealthcheckInstruction)results[7].Instruction!).Test.ToArray());
    }

    [Fact]
    public void Legacy_env_from_text_is_one_legacy_pair()
    {
        var env = Single<EnvInstruction>("FROM a\nENV PATH /usr/local/bin:$PATH\n".Split('\n', 2)[1]);
        Assert.Equal(new NameValue("PATH", "/usr/local/bin:$PATH", IsLegacy: true), Assert.Single(env.Variables));
    }

    [Fact]
    public void Copy_heredoc_from_text_becomes_a_file_and_expands()
    {
        var copy = Single<CopyInstruction>("COPY <<EOF /etc/motd\nhello $NAME\nEOF\n");
        var body = Assert.Single(copy.SourceContents);
        Assert.Equal("EOF", body.Path);
        Assert.Equal("hello $NAME\n", body.Data);
        var expanded = copy.Expand(new ShellWordExpander(), new Dictionary<string, string> { ["NAME"] = "world" });
        Assert.Equal("hello world\n", ((CopyInstruction)expanded.Instruction).SourceContents[0].Data);
    }

    [Fact]
    public void Chomped_quoted_heredoc_from_text_is_neither_indented_nor_expanded()
    {
        var copy = Single<CopyInstruction>("COPY <<-\"EOF\" /x\n\t\tkeep $NAME\n\tEOF\n");
        Assert.Equal(new HeredocSource("EOF", "keep $NAME\n", false), Assert.Single(copy.SourceContents));
    }

    [Fact]
    public void Onbuild_from_text_keeps_the_trigger_as_written()
    {
        var onbuild = Single<OnbuildInstruction>("ONBUILD   RUN echo \"$HOME\"\n");
        Assert.Equal("RUN echo \"$HOME\"", onbuild.Expression);
        var trigger = InstructionParser.Parse(onbuild.Trigger);
        Assert.IsType<RunInstruction>(trigger.Instruction);
    }

    [Fact]
    public void Onbuild_onbuild_from_text_is_rejected()
    {
        var result = Assert.Single(ParseAll("ONBUILD ONBUILD RUN x\n"));
        Assert.Equal(DiagnosticCodes.OnbuildChaining, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Shell_form_shell_from_text_is_rejected()
    {
        var result = Assert.Single(ParseAll("SHELL /bin/bash -c\n"));
        Assert.Equal(DiagnosticCodes.ShellRequiresJson, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Unknown_instruction_from_text_gets_a_suggestion_and_its_line()
    {
        var syntax = DockerfileParser.Parse("FROM alpine\nFORM alpine\n");
        var result = InstructionParser.Parse(syntax.Instructions[1]);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("unknown instruction: FORM (did you mean FROM?)", error.Message);
        Assert.Equal(2, error.Span.StartLine);
    }

    [Fact]
    public void Unknown_copy_flag_from_text_gets_a_suggestion()
    {
        var result = Assert.Single(ParseAll("COPY --form=build /a /b\n"));
        Assert.Equal("unknown flag: --form (did you mean --from?)", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Quoted_flag_values_from_text_arrive_without_quotes()
    {
        var copy = Single<CopyInstruction>("COPY --chown=\"app:app\" a b\n");
        Assert.Equal("app:app", copy.Chown);
    }

    [Fact]
    public void Run_heredoc_from_text_keeps_the_body_for_the_shell()
    {
        var run = Single<RunInstruction>("RUN <<EOF\necho $HOME\nEOF\n");
        Assert.Equal("echo $HOME\n", Assert.Single(run.Heredocs).Content);
        Assert.Equal(["<<EOF"], run.Command.Args.ToArray());
    }
}
