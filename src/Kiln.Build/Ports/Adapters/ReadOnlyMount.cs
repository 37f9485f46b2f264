using Kiln.Runtime.Linux.Overlay;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Ports.Adapters;

/// <summary>A COPY <c>--from</c> source: a read-only overlay of a stage's or an image's snapshots, held in use while mounted.</summary>
internal sealed class ReadOnlyMount(SnapshotLease lease, OverlayMount mount) : IRootfsMount
{
    public string RootPath => mount.MergedPath;

    public ValueTask DisposeAsync()
    {
        try
        {
            mount.Dispose();
        }
        finally
        {
            lease.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
