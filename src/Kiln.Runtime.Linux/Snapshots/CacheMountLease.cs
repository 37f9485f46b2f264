using Kiln.Content.IO;
using Kiln.Content.Store;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>A cache mount's directory in use by one run; disposing releases it (and removes a private one).</summary>
public sealed class CacheMountLease : IDisposable
{
    private readonly FileLock? _lock;
    private readonly bool _remove;

    internal CacheMountLease(string directory, FileLock? held, bool remove)
    {
        Directory = directory;
        _lock = held;
        _remove = remove;
    }

    public string Directory { get; }

    public void Dispose()
    {
        _lock?.Dispose();
        if (_remove)
        {
            DirectoryTree.Remove(Directory);
        }
    }
}
