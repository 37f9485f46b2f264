using Kiln.Oci;

namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>A snapshot a sweep removed: its name (a pulled layer's diffID, or a step's own) and the bytes of its files.</summary>
public sealed record SweptSnapshot(Digest Name, long Bytes);
