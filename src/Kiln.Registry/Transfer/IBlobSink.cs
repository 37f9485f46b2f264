using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>Where pulled content goes (the local content store, an OCI layout, a test directory).</summary>
public interface IBlobSink
{
    /// <summary>True when the blob is already there and need not be downloaded.</summary>
    ValueTask<bool> ContainsAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>Starts writing one blob; it becomes visible only when committed, and is discarded when disposed uncommitted.</summary>
    ValueTask<IBlobSinkWriter> BeginWriteAsync(Descriptor descriptor, CancellationToken cancellationToken);
}
