using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;

namespace Kiln.Dockerfile.Tests.Stages;

public sealed class StageBinderTests
{
    private const string Operator = """
        ARG GOLANG_IMAGE=localhost/golang:1.19
        FROM ${GOLANG_IMAGE} AS builder
        WORKDIR /workspace
        COPY go.mod go.mod
        RUN go mod download
        COPY main.go main.go
        RUN CGO_ENABLED=0 go build -a -o manager main.go

        FROM localhost/busybox:latest
        COPY --from=builder /workspace/manager /manager
        USER 10001
        ENTRYPOINT ["/manager"]
        """;

    [Fact]
    public void The_operator_build_has_two_stages_and_needs_both()
    {
        var definition = Bind.Definition(Operator);

        Assert.Equal(2, definition.Stages.Length);
        Assert.Equal("builder", definition.Stages[0].Name);
        Assert.Equal(new StageBase.Image("localhost/golang:1.19"), definition.Stages[0].Base);
        Assert.Equal("stage-1", definition.Target.DisplayName);
        Assert.Equal([0], definition.Target.Dependencies.ToArray());
        Assert.Equal([0, 1], definition.BuildOrder.Select(s => s.Index));
        Assert.Equal([new StageSource.Stage(0)], definition.Target.Steps[0].Sources.ToArray());
    }

    [Fact]
    public void Global_args_feed_FROM_and_a_build_arg_overrides_them()
    {
        var definition = Bind.Definition(Operator, null, ("GOLANG_IMAGE", "golang:1.22"));

        Assert.Equal(new StageBase.Image("golang:1.22"), definition.Stages[0].Base);
        Assert.Equal("golang:1.22", definition.GlobalArgs["GOLANG_IMAGE"]);
    }

    [Fact]
    public void A_global_arg_is_not_visible_in_a_stage_until_redeclared()
    {
        var definition = Bind.Definition("""
            ARG VERSION=1.0
            FROM scratch
            LABEL before=$VERSION
            ARG VERSION
            LABEL after=$VERSION
            """);

        var labels = definition.Target.Steps.Select(s => s.Instruction).OfType<LabelInstruction>().ToList();
        Assert.Equal("", labels[0].Labels[0].Value);
        Assert.Equal("1.0", labels[1].Labels[0].Value);
    }

    [Fact]
    public void Env_and_arg_write_one_environment_and_the_last_write_wins()
    {
        // As BuildKit (docker 26) expands and runs it: pwd=[/again] w=[again] y=[1], despite the Dockerfile reference's
        // "ENV always overrides ARG"; an ARG declared again without a value keeps the value it had.
        var definition = Bind.Definition("""
            FROM scratch
            ARG NAME=from-arg
            ENV NAME=from-env
            ARG NAME=again
            WORKDIR /$NAME
            ENV W=$NAME
            ARG Y=1
            ARG Y
            LABEL y=$Y
            RUN echo
            """);

        var steps = definition.Target.Steps;
        Assert.Equal("/again", steps.Select(s => s.Instruction).OfType<WorkdirInstruction>().Single().Path);
        Assert.Equal("again", steps.Select(s => s.Instruction).OfType<EnvInstruction>().Last().Variables[0].Value);
        Assert.Equal("1", steps.Select(s => s.Instruction).OfType<LabelInstruction>().Single().Labels[0].Value);

        // RUN gets the config's Env with the entries an ARG wrote last over it.
        Assert.Equal(new Dictionary<string, string> { ["NAME"] = "again", ["Y"] = "1" }, steps[^1].Args);
    }

    [Fact]
    public void A_stage_arg_default_sees_earlier_args_and_a_build_arg_beats_it()
    {
        var defaulted = Bind.Definition("FROM scratch\nARG A=x B=${A}y\nWORKDIR /$B\n");
        var overridden = Bind.Definition("FROM scratch\nARG A=x B=${A}y\nWORKDIR /$B\n", null, ("B", "z"));

        Assert.Equal("/xy", defaulted.Target.Steps.Select(s => s.Instruction).OfType<WorkdirInstruction>().Single().Path);
        Assert.Equal("/z", overridden.Target.Steps.Select(s => s.Instruction).OfType<WorkdirInstruction>().Single().Path);
    }

    [Fact]
    public void Args_in_scope_travel_with_each_step_for_RUN()
    {
        var definition = Bind.Definition("FROM scratch\nRUN echo one\nARG V=1\nRUN echo two\n");

        Assert.Empty(definition.Target.Steps[0].Args);
        Assert.Equal("1", definition.Target.Steps[2].Args["V"]);
    }

    [Fact]
    public void Proxy_build_args_reach_RUN_without_a_declaration()
    {
        var definition = Bind.Definition("FROM scratch\nRUN echo\n", null, ("HTTP_PROXY", "http://proxy:3128"));

        Assert.Equal("http://proxy:3128", definition.Target.Steps[0].Args["HTTP_PROXY"]);
    }

    [Fact]
    public void Platform_args_are_global_and_need_a_bare_ARG_inside_a_stage()
    {
        var definition = Bind.Definition("""
            FROM --platform=$BUILDPLATFORM localhost/golang:1.19 AS build
            ARG TARGETARCH
            WORKDIR /out/$TARGETARCH/$TARGETOS
            """);

        Assert.Equal(Platform.Host, definition.Target.Platform);
        var workdir = definition.Target.Steps.Select(s => s.Instruction).OfType<WorkdirInstruction>().Single();
        Assert.Equal("/out/amd64/", workdir.Path);
    }

    [Fact]
    public void The_image_environment_is_seen_by_expansions()
    {
        var result = Bind.WithImageEnv("FROM localhost/golang:1.19\nWORKDIR $GOPATH/src\n", new Dictionary<string, string> { ["GOPATH"] = "/go" });

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal("/go/src", result.Definition!.Target.Steps.Select(s => s.Instruction).OfType<WorkdirInstruction>().Single().Path);
    }

    [Fact]
    public void A_stage_based_on_a_stage_continues_with_its_args()
    {
        // Issue 13's case: BuildKit prints tag=[cli] local=[local-cli] in both stages.
        var result = Bind.Text(
            """
            FROM scratch AS base
            FROM base AS first
            ARG TAG
            ARG LOCAL=local-${TAG}
            FROM first AS second
            LABEL tag=[$TAG] local=[$LOCAL]
            RUN echo tag=[$TAG] local=[$LOCAL]
            """,
            null,
            ("TAG", "cli"));

        Assert.Empty(result.Diagnostics);
        var target = result.Definition!.Target;
        Assert.Equal(new StageBase.Stage(1), target.Base);
        var label = target.Steps.Select(s => s.Instruction).OfType<LabelInstruction>().Single();
        Assert.Equal(["[cli]", "[local-cli]"], label.Labels.Select(l => l.Value));
        Assert.Equal(new Dictionary<string, string> { ["TAG"] = "cli", ["LOCAL"] = "local-cli" }, target.Steps[^1].Args);
    }

    /// <summary>
    /// Each case was built by docker 26's BuildKit (frontend 1.7) from localhost:5000/busybox with
    /// <c>RUN echo NAME=[$NAME] ...</c> in place of the LABEL; the expected values are what it printed.
    /// </summary>
    [Theory]
    [InlineData(
        // ENV then ARG of one name: the ARG wins in its stage; the child starts with the config's ENV written over it.
        "FROM scratch AS p\nENV E1=env\nARG E1=arg\nARG A1=arg1\nENV A1=envA1\nLABEL p=[$E1][$A1]\nFROM p AS c\nLABEL c=[$E1][$A1]\nENV V=${E1}\nLABEL cv=[$V]\nARG E1\nLABEL c2=[$E1]\nARG A1=childarg\nLABEL c3=[$A1]",
        "",
        "p=[arg][envA1] c=[env][envA1] cv=[env] c2=[env] c3=[childarg]")]
    [InlineData(
        // Meta ARGs: visible once a stage declares them; the declaration is inherited.
        "ARG M=meta\nARG N=metaN\nFROM scratch AS p\nARG M\nLABEL p=[$M][$N]\nFROM p AS c\nLABEL c=[$M][$N]\nARG N\nLABEL c2=[$N]\nFROM c AS d\nLABEL d=[$M][$N]",
        "",
        "p=[meta][] c=[meta][] c2=[metaN] d=[meta][metaN]")]
    [InlineData(
        "ARG M=meta\nARG N=metaN\nFROM scratch AS p\nARG M\nLABEL p=[$M][$N]\nFROM p AS c\nLABEL c=[$M][$N]\nARG N\nLABEL c2=[$N]\nFROM c AS d\nLABEL d=[$M][$N]",
        "M=cli N=clin",
        "p=[cli][] c=[cli][] c2=[clin] d=[cli][clin]")]
    [InlineData(
        // A chain of four: a default overridden in the child, a bare ARG keeping the inherited value, a build arg.
        "FROM scratch AS a\nARG X=ax\nARG Y=ay\nFROM a AS b\nARG X=bx\nARG Z=bz-${Y}\nLABEL b=[$X][$Y][$Z]\nFROM b AS c\nARG Y\nLABEL c=[$X][$Y][$Z]\nARG Y=cy\nLABEL c2=[$Y]\nFROM c\nLABEL d=[$X][$Y][$Z]",
        "",
        "b=[bx][ay][bz-ay] c=[bx][ay][bz-ay] c2=[cy] d=[bx][cy][bz-ay]")]
    [InlineData(
        "FROM scratch AS a\nARG X=ax\nARG Y=ay\nFROM a AS b\nARG X=bx\nARG Z=bz-${Y}\nLABEL b=[$X][$Y][$Z]\nFROM b AS c\nARG Y\nLABEL c=[$X][$Y][$Z]\nARG Y=cy\nLABEL c2=[$Y]\nFROM c\nLABEL d=[$X][$Y][$Z]",
        "Y=cli",
        "b=[bx][cli][bz-cli] c=[bx][cli][bz-cli] c2=[cli] d=[bx][cli][bz-cli]")]
    [InlineData(
        // The child's other instructions expand against the inherited ARGs too.
        "FROM scratch AS p\nARG TAG=ptag\nFROM p AS c\nENV V=v-$TAG\nWORKDIR /w/$TAG\nLABEL c=[$V][$TAG]",
        "",
        "c=[v-ptag][ptag]")]
    [InlineData(
        // Scratch has BuildKit's default PATH, as every stage whose base sets none.
        "FROM scratch\nENV P=x:$PATH\nLABEL p=[$P]",
        "",
        "p=[x:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin]")]
    public void Stage_variables_follow_BuildKit(string dockerfile, string buildArgs, string expected)
    {
        var args = buildArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => (a.Split('=')[0], a.Split('=')[1])).ToArray();
        var definition = Bind.Definition(dockerfile, null, args);

        var labels = definition.Stages.SelectMany(s => s.Steps).Select(s => s.Instruction).OfType<LabelInstruction>()
            .Select(l => $"{l.Labels[0].Name}={l.Labels[0].Value}");
        Assert.Equal(expected, string.Join(' ', labels));
    }

    [Fact]
    public void The_target_prunes_stages_it_does_not_need()
    {
        var definition = Bind.Definition("""
            FROM scratch AS expensive
            RUN sleep 100
            FROM scratch AS base
            RUN echo base
            FROM scratch AS final
            COPY --from=base /a /a
            """);

        Assert.Equal(["base", "final"], definition.BuildOrder.Select(s => s.DisplayName));
    }

    [Fact]
    public void Target_names_a_stage_case_insensitively()
    {
        var definition = Bind.Definition("FROM scratch AS Build\nFROM scratch AS final\n", "BUILD");

        Assert.Equal("build", definition.Target.Name);
        Assert.Equal(["build"], definition.BuildOrder.Select(s => s.DisplayName));
    }

    [Fact]
    public void A_stage_used_by_several_is_built_once_before_them()
    {
        var definition = Bind.Definition("""
            FROM scratch AS common
            FROM common AS a
            FROM common AS b
            FROM scratch
            COPY --from=a /x /x
            COPY --from=b /y /y
            COPY --from=0 /z /z
            """);

        Assert.Equal(["common", "a", "b", "stage-3"], definition.BuildOrder.Select(s => s.DisplayName));
        Assert.Equal([1, 2, 0], definition.Target.Dependencies.ToArray());
    }

    [Fact]
    public void Copy_from_with_a_variable_is_refused_once_as_buildkit_does()
    {
        var result = Bind.Text("FROM scratch AS build-linux\nFROM scratch\nARG OS=linux\nCOPY --from=build-$OS /a /a\n");

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.CopyFromVariable, error.Code);
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Run_mount_from_is_a_dependency()
    {
        var definition = Bind.Definition("FROM scratch AS deps\nFROM scratch\nRUN --mount=type=bind,from=deps,target=/deps ls /deps\n");

        Assert.Equal([0], definition.Target.Dependencies.ToArray());
        Assert.Equal(2, definition.BuildOrder.Length);
    }

    [Fact]
    public void Copy_from_an_image_is_not_a_stage_dependency()
    {
        var definition = Bind.Definition("FROM scratch\nCOPY --from=localhost/busybox:latest /bin/busybox /busybox\n");

        Assert.Empty(definition.Target.Dependencies);
        Assert.Equal([new StageSource.Image("localhost/busybox:latest")], definition.Target.Steps[0].Sources.ToArray());
    }

    [Theory]
    [InlineData("RUN echo\nFROM scratch\n", DiagnosticCodes.InstructionBeforeFrom)]
    [InlineData("ARG A=1\n", DiagnosticCodes.NoStages)]
    [InlineData("FROM scratch AS a\nFROM scratch AS A\n", DiagnosticCodes.DuplicateStageName)]
    [InlineData("ARG BASE\nFROM $BASE\n", DiagnosticCodes.BlankBaseName)]
    [InlineData("FROM builder\nFROM scratch AS builder\n", DiagnosticCodes.StageDefinedLater)]
    [InlineData("FROM Ubuntu:22.04\n", DiagnosticCodes.InvalidImageReference)]
    [InlineData("FROM scratch AS a\nCOPY --from=a /x /x\n", DiagnosticCodes.StageReferencesItself)]
    [InlineData("FROM scratch\nCOPY --from=0 /x /x\n", DiagnosticCodes.StageReferencesItself)]
    [InlineData("FROM scratch\nCOPY --from=3 /x /x\n", DiagnosticCodes.StageIndexOutOfRange)]
    [InlineData("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\n", DiagnosticCodes.CircularDependency)]
    [InlineData("ARG BASE=${NAME:?set NAME}\nFROM scratch\n", DiagnosticCodes.ArgExpansionFailed)]
    [InlineData("FROM scratch\nARG V=${X:?}\n", DiagnosticCodes.ArgExpansionFailed)]
    [InlineData("FROM --platform=linux scratch\n", DiagnosticCodes.InvalidPlatform)]
    [InlineData("FROM scratch\nCOPY --from=Builder /x /x\n", DiagnosticCodes.InvalidImageReference)]
    public void Each_stage_error_has_its_own_code(string dockerfile, string code)
    {
        Assert.Equal(code, Bind.ErrorCode(dockerfile));
    }

    [Fact]
    public void An_unknown_target_suggests_the_closest_stage()
    {
        var result = Bind.Text("FROM scratch AS builder\nFROM scratch AS final\n", "finl");

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCodes.TargetNotFound, error.Code);
        Assert.Contains("did you mean \"final\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_names_its_stages_from_the_target_and_points_at_the_copy_that_closes_it()
    {
        var result = Bind.Text("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\n");

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Contains("b -> a -> b", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Span.StartLine);
    }

    [Fact]
    public void A_cycle_the_target_does_not_reach_is_not_an_error()
    {
        var definition = Bind.Definition("FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\nFROM scratch AS c\n");

        Assert.Equal(["c"], definition.BuildOrder.Select(s => s.DisplayName));
    }

    [Fact]
    public void An_unconsumed_build_arg_is_a_warning()
    {
        var result = Bind.Text("FROM scratch\n", null, ("NOPE", "1"));

        var warning = Assert.Single(result.Diagnostics);
        Assert.False(warning.IsError);
        Assert.Equal(DiagnosticCodes.UnusedBuildArg, warning.Code);
        Assert.Contains("NOPE", warning.Message, StringComparison.Ordinal);
        Assert.NotNull(result.Definition);
    }

    [Fact]
    public void A_name_close_to_a_stage_warns_that_it_will_be_pulled()
    {
        var result = Bind.Text("FROM scratch AS builder\nFROM scratch\nCOPY --from=bulder /x /x\n");

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.PossibleStageTypo, warning.Code);
        Assert.Contains("did you mean stage \"builder\"", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_point_at_their_line()
    {
        var result = Bind.Text("FROM scratch\n\nCOPY --from=7 /x /x\n");

        Assert.Equal(3, Assert.Single(result.Diagnostics).Span.StartLine);
    }
}
