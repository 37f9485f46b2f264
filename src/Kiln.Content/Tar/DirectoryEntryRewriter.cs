using System.Collections.Immutable;

namespace Kiln.Content.Tar;

/// <summary>
/// A hook of <see cref="DirectoryLayerSource"/>: sees each walked entry, described in full (size, link target,
/// device numbers, filtered xattrs), with its host path (bytes, no terminating NUL), before hard links are
/// detected. Returns null to write it as walked, or the content-less entries to write in its place (never hard
/// links); a directory's children are walked either way. The overlay differ turns whiteout devices and opaque
/// directories into OCI whiteout files with it.
/// </summary>
public delegate ImmutableArray<TarEntry>? DirectoryEntryRewriter(TarEntry entry, ReadOnlySpan<byte> path);
