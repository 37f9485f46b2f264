using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>What a COPY or ADD result depends on besides its parent.</summary>
/// <param name="Keyword"><c>COPY</c> or <c>ADD</c> (ADD unpacks archives, so the same files give another result).</param>
/// <param name="Sources">The digest of the selected sources' content and metadata (not mtimes), as the COPY part computes it.</param>
/// <param name="Destination">The destination as written; with <paramref name="WorkingDir"/> it fixes where files land.</param>
public sealed record CopyKeyInput(string Keyword, Digest Sources, string Destination, string WorkingDir)
{
    public string? Chown { get; init; }

    public string? Chmod { get; init; }

    public bool Link { get; init; }

    public bool Parents { get; init; }

    public ImmutableArray<string> Excludes { get; init; } = [];

    /// <summary>ADD <c>--unpack</c>: null when not given.</summary>
    public bool? Unpack { get; init; }
}
