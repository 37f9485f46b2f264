using System.Collections.Immutable;

namespace Kiln.Content.Layers;

/// <summary>An extended attribute from a <c>SCHILY.xattr.NAME</c> PAX record; the value is raw bytes (binary allowed).</summary>
public readonly record struct TarXattr(string Name, ImmutableArray<byte> Value);
