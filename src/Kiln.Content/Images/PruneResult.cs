using System.Collections.Immutable;
using Kiln.Content.Store;

namespace Kiln.Content.Images;

/// <summary>What a prune removed: blobs, and temp files that interrupted writers left in <c>ingest/</c>.</summary>
public sealed record PruneResult(ImmutableArray<BlobInfo> RemovedBlobs, int RemovedIngestFiles, long IngestBytes)
{
    public long BytesFreed => RemovedBlobs.Sum(b => b.Size) + IngestBytes;
}
