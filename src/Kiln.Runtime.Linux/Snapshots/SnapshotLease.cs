using System.Collections.Immutable;
using Kiln.Oci;
using Kiln.Content.Store;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>
/// Unpacked layers held in use: while this lease lives, a sweep leaves them alone (a shared flock on each). The
/// directories are overlay lower directories, top layer first, as overlayfs wants them.
/// </summary>
public sealed class SnapshotLease : IDisposable
{
    private readonly ImmutableArray<FileLock> _locks;

    internal SnapshotLease(ImmutableArray<string> lowerDirectories, ImmutableArray<Digest> names, int unpacked, ImmutableArray<FileLock> locks)
    {
        LowerDirectories = lowerDirectories;
        Names = names;
        Unpacked = unpacked;
        _locks = locks;
    }

    /// <summary>One directory per layer, top (last applied) first; empty for an image without layers.</summary>
    public ImmutableArray<string> LowerDirectories { get; }

    /// <summary>The layers' snapshot names (a pulled layer's is its diffID), bottom first.</summary>
    public ImmutableArray<Digest> Names { get; }

    /// <summary>How many layers this lease had to unpack (the others were already there).</summary>
    public int Unpacked { get; }

    public void Dispose()
    {
        foreach (var held in _locks)
        {
            held.Dispose();
        }
    }
}
