using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;

namespace Kiln.Dockerfile.Tests.Stages;

/// <summary>
/// How <c>--build-context</c> names bind (BuildKit's precedence): a stage named like a context is replaced by it; FROM
/// takes an earlier stage, else a context, else an image; <c>--from</c> takes a stage (by index or name), else a
/// context, else an image. Names match exactly here: normalising them is the engine's lookup's work.
/// </summary>
public sealed class NamedContextBindingTests
{
    [Fact]
    public void A_stage_named_like_a_context_is_replaced_and_its_body_is_not_bound()
    {
        var definition = Bind("""
            FROM golang AS build
            RUN go build
            COPY --from=tools /x /x
            FROM scratch
            COPY --from=build /app /app
            """, ("build", new NamedContext.Local("build")));

        var build = definition.Stages[0];
        Assert.Equal(new StageBase.Context("build"), build.Base);
        Assert.Empty(build.Steps);
        Assert.Empty(build.Dependencies);
        Assert.Equal([new StageSource.Stage(0)], definition.Target.Steps[0].Sources.ToArray());
        Assert.Equal([0, 1], definition.BuildOrder.Select(s => s.Index));
    }

    [Fact]
    public void A_docker_image_context_of_scratch_is_scratch_as_in_buildkit()
    {
        var definition = Bind("FROM base\nCOPY a /a\n", ("base", new NamedContext.Image("scratch")));

        Assert.Equal(new StageBase.Scratch(), definition.Target.Base);
    }

    [Fact]
    public void A_stage_replaced_by_an_image_takes_that_images_environment_to_the_stages_after_it()
    {
        var result = DockerfileFrontend.Load(
            "FROM golang AS build\nFROM build\nWORKDIR /$FROM_IMAGE\n",
            FrontendOptions.Default with { NamedContexts = Lookup(("build", new NamedContext.Image("prebuilt:1"))) },
            (reference, _) => reference == "prebuilt:1" ? new Dictionary<string, string> { ["FROM_IMAGE"] = "yes" } : []);

        Assert.Equal(new StageBase.Image("prebuilt:1"), result.Definition!.Stages[0].Base);
        Assert.Equal("/yes", ((WorkdirInstruction)result.Definition.Target.Steps[0].Instruction).Path);
    }

    [Fact]
    public void From_takes_an_earlier_stage_before_a_context_and_a_context_before_an_image()
    {
        var definition = Bind("""
            FROM base AS first
            FROM first AS second
            FROM alpine
            COPY --from=second /a /a
            """, ("base", new NamedContext.Local("base")), ("first", new NamedContext.Image("other")), ("alpine", new NamedContext.Image("alpine:3.19")));

        Assert.Equal(new StageBase.Image("other"), definition.Stages[0].Base);
        Assert.Equal(new StageBase.Stage(0), definition.Stages[1].Base);
        Assert.Equal(new StageBase.Image("alpine:3.19"), definition.Stages[2].Base);
    }

    [Fact]
    public void From_a_stage_defined_later_is_the_context_of_that_name_when_there_is_one()
    {
        var definition = Bind("""
            FROM later
            FROM scratch AS later
            """, ("later", new NamedContext.Local("later")));

        Assert.Equal(new StageBase.Context("later"), definition.Stages[0].Base);
        Assert.Equal(new StageBase.Context("later"), definition.Stages[1].Base);
    }

    [Fact]
    public void From_takes_a_stage_by_index_or_name_else_a_context_else_an_image()
    {
        var definition = Bind("""
            FROM scratch AS src
            FROM scratch
            COPY --from=0 /a /a
            COPY --from=src /b /b
            COPY --from=files /c /c
            COPY --from=tools /d /d
            COPY --from=busybox /e /e
            RUN --mount=from=files,target=/f --mount=from=tools,target=/t true
            """, ("0", new NamedContext.Local("0")), ("files", new NamedContext.Local("files")), ("tools", new NamedContext.Image("busybox:1.36")));

        var steps = definition.Target.Steps;
        Assert.Equal(new StageSource.Stage(0), steps[0].Sources.Single());
        Assert.Equal(new StageSource.Stage(0), steps[1].Sources.Single());
        Assert.Equal(new StageSource.Context("files"), steps[2].Sources.Single());
        Assert.Equal(new StageSource.Image("busybox:1.36"), steps[3].Sources.Single());
        Assert.Equal(new StageSource.Image("busybox"), steps[4].Sources.Single());
        Assert.Equal([new StageSource.Context("files"), new StageSource.Image("busybox:1.36")], steps[5].Sources.ToArray());
        Assert.Equal([0], definition.Target.Dependencies.ToArray());
    }

    [Theory]
    [InlineData("scratch")]
    [InlineData("SCRATCH")]
    [InlineData("context")]
    public void Scratch_and_context_are_never_looked_up(string name)
    {
        var asked = new List<string>();
        var options = FrontendOptions.Default with
        {
            NamedContexts = n =>
            {
                asked.Add(n);
                return new NamedContext.Local(n);
            },
        };

        var result = DockerfileFrontend.Check($"FROM {name} AS {name.ToLowerInvariant()}x\nFROM {name}\nCOPY --from={name} /a /a\n", options);

        Assert.DoesNotContain(name, asked);
        Assert.DoesNotContain(result.Definition?.Stages ?? [], s => s.Base is StageBase.Context { Name: var n } && n == name);
    }

    [Fact]
    public void Without_contexts_nothing_changes()
    {
        var definition = Bind("FROM build\nCOPY --from=tools /a /a\n");

        Assert.Equal(new StageBase.Image("build"), definition.Target.Base);
        Assert.Equal(new StageSource.Image("tools"), definition.Target.Steps[0].Sources.Single());
    }

    [Fact]
    public void A_self_reference_inside_a_replaced_stage_is_no_error()
    {
        // The replaced stage's body is never bound (BuildKit never dispatches it), so what it says cannot fail.
        var result = DockerfileFrontend.Check(
            "FROM scratch AS a\nCOPY --from=a /x /x\nFROM scratch\nCOPY --from=a /y /y\n",
            FrontendOptions.Default with { NamedContexts = Lookup(("a", new NamedContext.Local("a"))) });

        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.StageReferencesItself);
        Assert.False(result.HasErrors);
    }

    private static BuildDefinition Bind(string dockerfile, params (string Name, NamedContext Context)[] contexts)
    {
        var result = DockerfileFrontend.Check(dockerfile, FrontendOptions.Default with { NamedContexts = contexts.Length == 0 ? null : Lookup(contexts) });
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Definition!;
    }

    private static NamedContextLookup Lookup(params (string Name, NamedContext Context)[] contexts)
    {
        var byName = contexts.ToDictionary(c => c.Name, c => c.Context, StringComparer.Ordinal);
        return name => byName.GetValueOrDefault(name);
    }
}
