using System.Collections.Immutable;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Dockerfile;
using Kiln.Oci;

namespace Kiln.Build.Tests.EndToEnd;

/// <summary>
/// A stage built <c>FROM</c> another stage runs with that stage's ARGs (issue 13), built for real (root, overlayfs,
/// crun or runc): each RUN appends what its shell sees to /out, and /out must read as docker 26's BuildKit wrote it
/// for the same Dockerfile on busybox with <c>--build-arg TAG=cli</c>.
/// </summary>
public sealed class StageArgInheritanceTests : IDisposable
{
    private const string Base = "test/busybox:latest";

    private const string Dockerfile = """
        FROM test/busybox:latest AS base
        FROM base AS first
        ARG TAG
        ARG LOCAL=local-${TAG}
        ENV E1=env
        ARG E1=arg
        ARG A1=arg1
        ENV A1=envA1
        RUN echo first tag=[$TAG] local=[$LOCAL] e1=[$E1] a1=[$A1] >> /out
        FROM first AS second
        RUN echo second tag=[$TAG] local=[$LOCAL] e1=[$E1] a1=[$A1] >> /out
        ARG E1
        ARG A1=childarg
        ARG X=sx
        RUN echo second2 e1=[$E1] a1=[$A1] >> /out
        FROM second AS third
        ARG X
        ENV V=v-$LOCAL
        RUN echo third x=[$X] tag=[$TAG] a1=[$A1] v=[$V] >> /out
        """;

    private const string BuildKitOutput = """
        first tag=[cli] local=[local-cli] e1=[arg] a1=[envA1]
        second tag=[cli] local=[local-cli] e1=[env] a1=[envA1]
        second2 e1=[env] a1=[childarg]
        third x=[sx] tag=[cli] a1=[envA1] v=[v-local-cli]

        """;

    private readonly string _root = Directory.CreateTempSubdirectory("kiln-stage-args-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Each_RUN_sees_the_args_of_the_stages_it_is_built_from_as_BuildKit_runs_them()
    {
        Assert.True(Environment.IsPrivilegedProcess, "real builds need root (overlayfs, crun/runc), here and in CI");
        var (context, content, images) = RealPorts.Workspace(_root);
        await BusyboxRootfs.ImportAsync(images, Base, _root);
        var name = ImageReference.Parse("stage/args:1");
        var ports = await RealPorts.ComposeAsync(images, context, name);
        var request = RealPorts.Request(Dockerfile) with
        {
            Options = new FrontendOptions(ImmutableDictionary<string, string>.Empty.Add("TAG", "cli"), null),
        };

        await new BuildEngine(ports, new RecordingSink(), TimeProvider.System).BuildAsync(request, CancellationToken.None);

        var image = await images.LoadAsync(name.ToString(), CancellationToken.None);
        var top = content.Root.BlobPath(image.Manifest.Value.Layers[^1].Digest);
        Assert.Equal(BuildKitOutput.ReplaceLineEndings("\n"), BusyboxRootfs.Run("tar", "-xOf", top, "out"));
    }
}
