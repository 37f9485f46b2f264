using System.Collections.Immutable;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// A file mounted read-only into one run's container, from the run's bundle: it never touches the root, so it
/// never ends up in a layer. Files are grouped by directory; each directory is mounted as a whole, holding only its
/// files (the way BuildKit mounts a heredoc script's scratch directory at <c>/dev/pipes/</c>), so it hides what the
/// root has there for the run. Under <c>/dev</c> (a tmpfs of the container) the mount point is not made in the root.
/// </summary>
/// <param name="Path">Absolute, normalised (no <c>.</c>, <c>..</c> or empty components), not directly under <c>/</c>.</param>
/// <param name="Mode">Permission bits, set exactly (the umask does not apply).</param>
public sealed record ContainerFile(string Path, ImmutableArray<byte> Content, UnixFileMode Mode);
