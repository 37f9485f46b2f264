using System.Collections.Concurrent;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>A layer whose digest is made of the changes recorded in the mount (and its parents): no changes, no layer.</summary>
internal sealed class FakeDiffer : IDiffer
{
    public ConcurrentQueue<DateTimeOffset?> Epochs { get; } = new();

    public Task<LayerRef?> DiffAsync(IRootfsMount mount, DateTimeOffset? sourceDateEpoch, CancellationToken cancellationToken)
    {
        Epochs.Enqueue(sourceDateEpoch);
        var fake = (FakeMount)mount;
        if (fake.Changes.IsEmpty)
        {
            return Task.FromResult<LayerRef?>(null);
        }

        var text = string.Join('\n', fake.Layers.Select(l => l.DiffId.ToString()).Concat(fake.Changes));
        var diffId = Digest.Sha256Of(Encoding.UTF8.GetBytes(text));
        var blob = Digest.Sha256Of(Encoding.UTF8.GetBytes("gz " + text));
        return Task.FromResult<LayerRef?>(new LayerRef(new Descriptor(MediaTypes.OciLayerGzip, blob, 1000 * (fake.Changes.Count + 1)), diffId));
    }
}
