using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Registry.Local;

/// <summary>What <see cref="StorePusher"/> pushed and how each blob got there.</summary>
public sealed record StorePushResult(ImageReference Destination, Descriptor Root, ImmutableArray<Descriptor> Layers)
{
    /// <summary>Blobs uploaded, linked from another repository, or found in place.</summary>
    public int Uploaded { get; init; }

    public int Mounted { get; init; }

    public int AlreadyPresent { get; init; }

    /// <summary>Blobs whose bytes were sent (the others the registry had, or linked by a mount).</summary>
    public ImmutableHashSet<Digest> UploadedBlobs { get; init; } = [];

    /// <summary>Repositories on the same registry that the push offered to mount from.</summary>
    public ImmutableArray<string> MountFrom { get; init; } = [];

    /// <summary>
    /// Set when the image was pulled from an index whose other platforms the store does not hold: the manifest was
    /// pushed alone, and this is the index that could not be.
    /// </summary>
    public Descriptor? IncompleteIndex { get; init; }
}
