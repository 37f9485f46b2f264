using System.Collections.Immutable;

namespace Kiln.Build.Ports;

/// <summary>Prepares root filesystems from layers already in the store (each layer unpacked once, shared).</summary>
public interface ISnapshotter
{
    /// <param name="layers">Bottom first; empty for <c>scratch</c>.</param>
    /// <param name="writable">True for a step (a fresh upper the differ reads); false for a COPY <c>--from</c> source.</param>
    Task<IRootfsMount> MountAsync(ImmutableArray<LayerRef> layers, bool writable, CancellationToken cancellationToken);
}
