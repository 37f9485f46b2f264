using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Oci;

namespace Kiln.Build.Tests.EndToEnd;

/// <summary>
/// <c>RUN &lt;&lt;EOT</c> with a <c>#!</c> script, built for real (root, overlayfs, crun or runc) on a busybox image:
/// the script runs from <c>/dev/pipes/</c>, its effects are in the layer, the mount is not, and the cache follows
/// the script's body.
/// </summary>
public sealed class HeredocScriptTests : IDisposable
{
    private const string Base = "test/busybox:latest";
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-heredoc-script-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Dockerfile(string body) =>
        $"FROM {Base}\nRUN <<EOT\n#!/bin/sh -e\necho \"$0\" > /made\necho {body} >> /made\nls /dev/pipes >> /made\nEOT\n";

    [Fact]
    public async Task A_shebang_script_runs_from_dev_pipes_and_only_its_effects_are_in_the_layer_and_the_cache_follows_its_body()
    {
        Assert.True(Environment.IsPrivilegedProcess, "real builds need root (overlayfs, crun/runc), here and in CI");
        var (context, content, images) = RealPorts.Workspace(_root);
        await BusyboxRootfs.ImportAsync(images, Base, _root);
        var name = ImageReference.Parse("heredoc/script:1");
        var ports = await RealPorts.ComposeAsync(images, context, name);
        async Task<(BuildResult Result, RecordingSink Progress)> BuildAsync(string dockerfile)
        {
            var progress = new RecordingSink();
            return (await new BuildEngine(ports, progress, TimeProvider.System).BuildAsync(RealPorts.Request(dockerfile), CancellationToken.None), progress);
        }

        async Task<(string[] Entries, string Made)> TopLayerAsync()
        {
            var image = await images.LoadAsync(name.ToString(), CancellationToken.None);
            Assert.Equal(2, image.Manifest.Value.Layers.Length);
            var blob = content.Root.BlobPath(image.Manifest.Value.Layers[1].Digest);

            // GNU tar reads the layer, not Kiln.
            var entries = BusyboxRootfs.Run("tar", "-tf", blob).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return (entries, BusyboxRootfs.Run("tar", "-xOf", blob, "made"));
        }

        var (first, _) = await BuildAsync(Dockerfile("one"));
        var (entries, made) = await TopLayerAsync();

        Assert.Equal("/dev/pipes/EOT\none\nEOT\n", made);

        // No dev/ nor dev/pipes/: only the script's file, and etc/, the unchanged copied-up parent of the
        // /etc/hosts and /etc/resolv.conf mount stubs (which every RUN on this image has, in BuildKit's layers too).
        Assert.Equal(["etc/", "made"], entries);

        var (again, cachedRun) = await BuildAsync(Dockerfile("one"));
        Assert.Equal(first.Image.ImageId, again.Image.ImageId);
        Assert.Equal(["[2/2] RUN <<EOT"], cachedRun.Ended<Progress.ProgressEvent.Cached>());

        var (changed, rerun) = await BuildAsync(Dockerfile("two"));
        Assert.NotEqual(first.Image.ImageId, changed.Image.ImageId);
        Assert.Empty(rerun.Ended<Progress.ProgressEvent.Cached>());
        Assert.Equal("/dev/pipes/EOT\ntwo\nEOT\n", (await TopLayerAsync()).Made);
    }
}
