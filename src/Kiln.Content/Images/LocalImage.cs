using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>An image read from the store: its manifest and config, parsed and with their exact bytes.</summary>
public sealed record LocalImage(ResolvedImage Resolved, ParsedDocument<ImageManifest> Manifest, ParsedDocument<ImageConfig> Config)
{
    /// <summary>The bytes the image occupies in the store: config plus compressed layers (what a pull transfers).</summary>
    public long ContentSize => Manifest.Value.Config.Size + Manifest.Value.Layers.Sum(l => l.Size);
}
