using System.Collections.Concurrent;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>Writes the config as canonical JSON (its digest is the image id, as the real one) and keeps it.</summary>
internal sealed class FakeExporter : IImageExporter
{
    public ConcurrentQueue<BuiltImage> Exported { get; } = new();

    public Task<ExportResult> ExportAsync(BuiltImage image, CancellationToken cancellationToken)
    {
        Exported.Enqueue(image);
        var config = OciDocuments.Write(image.Config);
        var size = config.Raw.Length + image.Layers.Sum(l => l.Blob!.Size);
        return Task.FromResult(new ExportResult(config.Digest, Digest.Sha256Of(config.Raw.AsSpan()), size));
    }
}
