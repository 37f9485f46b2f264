using Kiln.Content.Store;

namespace Kiln.Content.Tests.Support;

/// <summary>A fresh store root in a temp directory, deleted afterwards.</summary>
internal sealed class TempRoot : IDisposable
{
    private readonly TempDirectory _directory = new("kiln-store-");

    public TempRoot()
    {
        Root = new StoreRoot(Path);
    }

    public string Path => _directory.Path;

    public StoreRoot Root { get; }

    public ContentStore Open() => ContentStore.Open(Root);

    public void Dispose() => _directory.Dispose();
}
