using System.Collections.Immutable;

namespace Kiln.Content.Tar;

/// <summary>
/// One extended attribute (e.g. <c>security.capability</c>), carried in a <c>SCHILY.xattr.NAME</c> PAX record; the
/// value is raw bytes (binary allowed: PAX records are length-prefixed).
/// </summary>
public readonly record struct TarXattr(string Name, ImmutableArray<byte> Value);
