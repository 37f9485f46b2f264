using System.Collections.Immutable;

namespace Kiln.Build.Copy;

/// <summary>What a COPY/ADD wrote: entries created or replaced, and what it had to skip (xattrs it could not set...).</summary>
public sealed record CopyResult(int Entries, ImmutableArray<string> Warnings);
