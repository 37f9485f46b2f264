using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>An image a stage starts from (or copies from), resolved to content in the local store.</summary>
/// <param name="Reference">The normalised reference as progress shows it (<c>docker.io/library/busybox:latest</c>).</param>
/// <param name="ManifestDigest">The manifest's digest: the base of every cache key built on this image.</param>
/// <param name="Config">The image config; its Env feeds the frontend's expansion, the rest the new image.</param>
/// <param name="Layers">The layers, bottom first, all present in the store.</param>
public sealed record BaseImage(string Reference, Digest ManifestDigest, ImageConfig Config, ImmutableArray<LayerRef> Layers);
