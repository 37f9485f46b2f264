using System.Collections.Immutable;

namespace Kiln.Build.Ports;

/// <summary>
/// A file the executor puts in the container, read-only, for one RUN only: never in the root, never in the layer.
/// A RUN heredoc that starts with <c>#!</c> is one (BuildKit mounts it under <c>/dev/pipes/</c> and executes it).
/// </summary>
/// <param name="Path">Absolute path in the container. Its directory is replaced, for the run, by a read-only
/// directory holding only the request's files in it (BuildKit mounts a whole scratch directory at <c>/dev/pipes/</c>).</param>
/// <param name="Content">The bytes, exactly.</param>
/// <param name="Mode">Permission bits, applied as given (no umask).</param>
public sealed record ExecFile(string Path, ImmutableArray<byte> Content, UnixFileMode Mode);
