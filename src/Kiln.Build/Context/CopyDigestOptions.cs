using Kiln.Build.Copy;

namespace Kiln.Build.Context;

/// <summary>Inputs of <see cref="CopySourceDigest"/> besides the request and the source root.</summary>
public sealed record CopyDigestOptions
{
    public static CopyDigestOptions Default { get; } = new();

    /// <summary>The stat cache; null hashes every file.</summary>
    public FileDigestCache? Cache { get; init; }

    /// <summary>The resolved --chown, if any (it is resolved in the target stage, which the caller has).</summary>
    public CopyOwner? Owner { get; init; }

    /// <summary>Test hook: called with the source-relative path each time a file's content is actually read.</summary>
    internal Action<string>? OnContentRead { get; init; }
}
