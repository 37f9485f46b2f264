using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>What a push did: the pushed root's digest and how each blob got there.</summary>
public sealed record PushResult(Digest Digest)
{
    public int Uploaded { get; init; }

    public int Mounted { get; init; }

    public int AlreadyPresent { get; init; }
}
