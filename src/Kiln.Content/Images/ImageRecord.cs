using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// One name in the local image store: a normalised reference (<c>docker.io/library/busybox:latest</c>) pointing
/// at an image manifest, with the index it was chosen from when the image came from a multi-platform index.
/// <see cref="Id"/> is the config digest, which is what docker shows as the image id.
/// </summary>
public sealed record ImageRecord(ImageReference Name, Descriptor Manifest, Descriptor? Index, Digest Id, DateTimeOffset Tagged)
{
    /// <summary>The digest a registry knows this image by: the index's when there is one, else the manifest's.</summary>
    public Digest RepoDigest => Index?.Digest ?? Manifest.Digest;
}
