namespace Kiln.Content.Tar;

/// <summary>How <see cref="DirectoryLayerSource"/> turns a directory into tar entries.</summary>
public sealed record DirectoryLayerOptions
{
    /// <summary>Modification times later than this are written as this (<see cref="Tar.SourceDateEpoch"/>).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>Written as every entry's owner instead of the file's own (as <c>COPY --chown</c> does).</summary>
    public long? Uid { get; init; }

    /// <summary>Written as every entry's group instead of the file's own.</summary>
    public long? Gid { get; init; }

    /// <summary>Which extended attributes go into the layer; <see cref="DefaultXattrFilter"/> unless set.</summary>
    public Func<string, bool> IncludeXattr { get; init; } = DefaultXattrFilter;

    /// <summary>Rewrites entries before they are written (see <see cref="DirectoryEntryRewriter"/>); null writes them as walked.</summary>
    public DirectoryEntryRewriter? Rewrite { get; init; }

    /// <summary>
    /// File capabilities and user attributes. Left out: <c>trusted.*</c> and <c>user.overlay.*</c> (overlayfs
    /// bookkeeping in an upper directory, which whiteouts express instead), <c>security.selinux</c> (a label of
    /// the build host, not of the image) and <c>system.*</c> (ACLs, which Docker does not carry either).
    /// </summary>
    public static bool DefaultXattrFilter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name == "security.capability"
            || (name.StartsWith("user.", StringComparison.Ordinal) && !name.StartsWith("user.overlay.", StringComparison.Ordinal));
    }
}
