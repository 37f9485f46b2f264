using Kiln.Content.Store;

namespace Kiln.Content.Tests.Store;

/// <summary>A fresh store root in a temp directory, deleted afterwards.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = Directory.CreateTempSubdirectory("kiln-store-").FullName;
        Root = new StoreRoot(Path);
    }

    public string Path { get; }

    public StoreRoot Root { get; }

    public ContentStore Open() => ContentStore.Open(Root);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
