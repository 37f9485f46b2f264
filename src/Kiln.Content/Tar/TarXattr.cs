using System.Collections.Immutable;

namespace Kiln.Content.Tar;

/// <summary>One extended attribute: its name (e.g. <c>security.capability</c>) and its raw, possibly binary, value.</summary>
public sealed record TarXattr(string Name, ImmutableArray<byte> Value);
