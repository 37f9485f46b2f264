using Kiln.Oci;

namespace Kiln.Build.Config;

/// <summary>
/// The layer a RUN, COPY, ADD or WORKDIR step made: its uncompressed digest and when it was made (BuildKit
/// records the snapshot's creation time; a cache hit keeps the time of the build that made the layer).
/// </summary>
public sealed record LayerResult(Digest DiffId, OciTimestamp Created);
