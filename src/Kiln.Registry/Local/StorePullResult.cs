using Kiln.Content.Images;
using Kiln.Oci;

namespace Kiln.Registry.Local;

/// <summary>What <see cref="StorePuller"/> did: the name as now recorded, and whether anything changed.</summary>
public sealed record StorePullResult(ImageRecord Image, OciPlatform Platform)
{
    /// <summary>The digest the registry knows the image by (the index's, when the reference named one): docker's <c>Digest:</c> line.</summary>
    public Digest RepoDigest => Image.RepoDigest;

    /// <summary>Blobs fetched; the rest were in the store already.</summary>
    public int Downloaded { get; init; }

    /// <summary>The name already pointed at this very image before the pull.</summary>
    public bool UpToDate { get; init; }
}
