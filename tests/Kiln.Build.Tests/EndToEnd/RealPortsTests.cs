using Kiln.Build.Solver;
using Kiln.Build.Tests.Solver.Fakes;
using Kiln.Content.Images;
using Kiln.Content.Store;
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
        var context = Path.Combine(_root, "context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "hello.txt"), "hello\n");
        var content = ContentStore.Open(new StoreRoot(Path.Combine(_root, "store")));
        var images = ImageStore.Open(content);
        var name = ImageReference.Parse("real/ports:1");
        var ports = await RealPorts.ComposeAsync(images, context, name);
        var request = RealPorts.Request("FROM scratch\nWORKDIR /app\nCOPY hello.txt .\n");

        var first = await new BuildEngine(ports, new RecordingSink(), TimeProvider.System).BuildAsync(request, CancellationToken.None);
        var progress = new RecordingSink();
        var second = await new BuildEngine(ports, progress, TimeProvider.System).BuildAsync(request, CancellationToken.None);

        Assert.Equal(first.Image.ImageId, second.Image.ImageId);
        var image = await images.LoadAsync(await images.ResolveAsync("real/ports:1", CancellationToken.None), CancellationToken.None);
        Assert.Equal(2, image.Manifest.Value.Layers.Length);
        Assert.Equal("/app", image.Config.Value.Config.WorkingDir);
        Assert.Equal(["[2/3] WORKDIR /app", "[3/3] COPY hello.txt ."], progress.Ended<Progress.ProgressEvent.Cached>());
    }
}
