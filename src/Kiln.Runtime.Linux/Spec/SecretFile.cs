using System.Collections.Immutable;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// A secret shown to one RUN as a read-only file at <paramref name="Target"/> (<c>RUN --mount=type=secret</c>). It is
/// written into the run's bundle directory (0700, removed after the run) and bound from there, so it never reaches
/// the root or the layer.
/// </summary>
public sealed record SecretFile(string Target, ImmutableArray<byte> Content, UnixFileMode Mode, uint Uid, uint Gid);
