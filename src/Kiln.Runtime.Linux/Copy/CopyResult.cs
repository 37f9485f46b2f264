using System.Collections.Immutable;

namespace Kiln.Runtime.Linux.Copy;

/// <summary>What <see cref="ImageCopier"/> copied, and what it left out (devices, sockets, FIFOs).</summary>
public sealed record CopyResult(string Destination, int Files, int Directories, int Symlinks, ImmutableArray<string> Skipped);
