using System.Collections.Concurrent;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>
/// A layer whose digests are made of the changes recorded in the mount (and its parents): no changes, the empty
/// layer. A commit gives a snapshot-only layer; an export, the blob it stands for.
/// </summary>
internal sealed class FakeDiffer : IDiffer
{
    private readonly ConcurrentDictionary<Digest, LayerRef> _blobs = new();

    public ConcurrentQueue<DateTimeOffset?> Epochs { get; } = new();

    /// <summary>The snapshots exported, in order.</summary>
    public ConcurrentQueue<Digest> Exported { get; } = new();

    public Task<LayerRef> CommitAsync(IRootfsMount mount, CancellationToken cancellationToken)
    {
        var fake = (FakeMount)mount;
        LayerRef stored;
        if (fake.Changes.IsEmpty)
        {
            stored = LayerRef.Stored(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(Encoding.UTF8.GetBytes("empty gz")), 32), Digest.Sha256Of(Encoding.UTF8.GetBytes("empty")));
        }
        else
        {
            var text = string.Join('\n', fake.Layers.Select(l => l.Snapshot.ToString()).Concat(fake.Changes));
            var diffId = Digest.Sha256Of(Encoding.UTF8.GetBytes(text));
            var blob = Digest.Sha256Of(Encoding.UTF8.GetBytes("gz " + text));
            stored = LayerRef.Stored(new Descriptor(MediaTypes.OciLayerGzip, blob, 1000 * (fake.Changes.Count + 1)), diffId);
        }

        var snapshot = Digest.Sha256Of(Encoding.UTF8.GetBytes("snapshot of " + stored.DiffId));
        _blobs[snapshot] = stored with { Snapshot = snapshot };
        return Task.FromResult(LayerRef.SnapshotOnly(snapshot, stored.Size));
    }

    public Task<LayerRef> ExportAsync(LayerRef layer, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken)
    {
        if (layer.IsStored)
        {
            return Task.FromResult(layer);
        }

        Epochs.Enqueue(sourceDateEpoch);
        Exported.Enqueue(layer.Snapshot);
        return Task.FromResult(_blobs[layer.Snapshot]);
    }
}
