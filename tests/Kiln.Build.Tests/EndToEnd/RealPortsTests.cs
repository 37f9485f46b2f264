using Kiln.Build.Cache;
using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Oci;

namespace Kiln.Build.Tests.EndToEnd;

/// <summary>The engine on every real adapter (<see cref="RealPorts"/>, composed as the CLI composes them; as root: overlayfs and crun/runc).</summary>
public sealed class RealPortsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-real-ports-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_scratch_build_with_copy_and_workdir_lands_in_the_store_and_its_rebuild_is_cached()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the real ports need root (overlayfs), here and in CI");
        var (context, _, images) = RealPorts.Workspace(_root);
        File.WriteAllText(Path.Combine(context, "hello.txt"), "hello\n");
        var name = ImageReference.Parse("real/ports:1");
        var ports = await RealPorts.ComposeAsync(images, context, name);
        var request = RealPorts.Request("FROM scratch\nWORKDIR /app\nCOPY hello.txt .\n");

        var first = await new BuildEngine(ports, new RecordingSink(), TimeProvider.System).BuildAsync(request, CancellationToken.None);
        var progress = new RecordingSink();
        var second = await new BuildEngine(ports, progress, TimeProvider.System).BuildAsync(request, CancellationToken.None);

        Assert.Equal(first.Image.ImageId, second.Image.ImageId);
        var image = await images.LoadAsync("real/ports:1", CancellationToken.None);
        Assert.Equal(2, image.Manifest.Value.Layers.Length);
        Assert.Equal("/app", image.Config.Value.Config.WorkingDir);
        Assert.Equal(["[2/3] WORKDIR /app", "[3/3] COPY hello.txt ."], progress.Ended<Progress.ProgressEvent.Cached>());
    }

    [Fact]
    public async Task A_builder_stages_layer_stays_a_snapshot_until_an_image_that_contains_it_is_exported()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the real ports need root (overlayfs), here and in CI");
        var (context, content, images) = RealPorts.Workspace(_root);
        await BusyboxRootfs.ImportAsync(images, "busybox:real", _root);
        const string Dockerfile = "FROM busybox:real AS builder\nRUN head -c 300000 /dev/urandom > /big && echo built > /out\nFROM scratch\nCOPY --from=builder /out /out\n";
        var cache = CacheStore.Open(content);

        // The final image holds only the COPY's layer: the builder's RUN layer is a snapshot, not a blob.
        var ports = await RealPorts.ComposeAsync(images, context, ImageReference.Parse("real/final:1"));
        await new BuildEngine(ports, new RecordingSink(), TimeProvider.System).BuildAsync(RealPorts.Request(Dockerfile), CancellationToken.None);
        var entries = await cache.ListAsync(CancellationToken.None);
        Assert.Equal(2, entries.Count);
        var run = Assert.Single(entries, e => e.Layer is null);
        Assert.NotNull(run.Snapshot);
        Assert.InRange(run.Size, 300_000, 300_100);
        var copy = Assert.Single(entries, e => e.Layer is not null);
        var final = await images.LoadAsync("real/final:1", CancellationToken.None);
        Assert.Equal(copy.Layer, Assert.Single(final.Manifest.Value.Layers));
        Assert.Equal(copy.DiffId, Assert.Single(final.Config.Value.RootFs.DiffIds));

        // An image built FROM the final one mounts its layer from the COPY step's snapshot: nothing is unpacked.
        ports = await RealPorts.ComposeAsync(images, context, ImageReference.Parse("real/next:1"));
        await new BuildEngine(ports, new RecordingSink(), TimeProvider.System).BuildAsync(RealPorts.Request("FROM real/final:1\nWORKDIR /w\n"), CancellationToken.None);
        var snapshots = Runtime.Linux.Snapshots.SnapshotStore.Open(content.Root);
        Assert.Equal(copy.Snapshot, snapshots.AliasOf(copy.DiffId!.Value));
        Assert.False(Directory.Exists(snapshots.LayerDirectory(copy.DiffId!.Value)));

        // Exporting the builder stage itself hits the cache for its step and makes its blob from the snapshot.
        ports = await RealPorts.ComposeAsync(images, context, ImageReference.Parse("real/builder:1"));
        var progress = new RecordingSink();
        var request = RealPorts.Request(Dockerfile) with { Options = new Dockerfile.FrontendOptions(System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, "builder") };
        await new BuildEngine(ports, progress, TimeProvider.System).BuildAsync(request, CancellationToken.None);
        Assert.Single(progress.Ended<Progress.ProgressEvent.Cached>());
        var builder = await images.LoadAsync("real/builder:1", CancellationToken.None);
        var layer = builder.Manifest.Value.Layers[^1];
        Assert.Equal(layer.Digest, builder.Config.Value.RootFs.DiffIds[^1]); // plain tar: its digest is its diffID
        var tar = Path.Combine(_root, "builder-layer.tar");
        await using (var blob = await content.OpenReadAsync(layer.Digest, CancellationToken.None))
        await using (var file = File.Create(tar))
        {
            await blob.CopyToAsync(file);
        }

        Assert.Equal(["big", "etc/", "out"], BusyboxRootfs.Run("tar", "-tf", tar).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        // Its cache entry now records the blob too, under the same snapshot: prune keeps the blob.
        var exported = Assert.Single(await cache.ListAsync(CancellationToken.None), e => e.Key == run.Key);
        Assert.Equal((layer, run.Snapshot), (exported.Layer, exported.Snapshot));
        Assert.Contains(layer.Digest, await cache.GetRootsAsync(CancellationToken.None));
    }
}
