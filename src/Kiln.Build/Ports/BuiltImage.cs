using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>The target stage's result, ready to be written out: its config (rootfs filled in) and layers, every one a blob.</summary>
public sealed record BuiltImage(ImageConfig Config, ImmutableArray<LayerRef> Layers, DateTimeOffset Created);
