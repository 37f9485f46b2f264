using Kiln.Content.Images;
using Kiln.Content.IO;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>A store root in a temp directory; deleted at the end (after checking that no mount is left in it).</summary>
internal sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Path = Directory.CreateTempSubdirectory("kiln-rt-store-").FullName;
        Root = new StoreRoot(Path);
        Content = ContentStore.Open(Root);
        Images = ImageStore.Open(Content);
        Snapshots = SnapshotStore.Open(Root);
    }

    public string Path { get; }

    public StoreRoot Root { get; }

    public ContentStore Content { get; }

    public ImageStore Images { get; }

    public SnapshotStore Snapshots { get; }

    /// <summary>Mount points under this store, from /proc/self/mountinfo.</summary>
    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(Path, StringComparison.Ordinal))];

    public async Task<LocalImage> LoadAsync(string name = BusyboxImage.Name) =>
        await Images.LoadAsync(name, CancellationToken.None);

    public void Dispose()
    {
        if (Mounts().Count == 0)
        {
            DirectoryTree.Remove(Path); // tests leave paths longer than PATH_MAX, which Directory.Delete cannot reach
        }
    }
}
