using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>The filesystem steps Kiln does itself, with Docker's semantics: COPY, ADD and WORKDIR's mkdir.</summary>
public interface IFileOperations
{
    /// <summary>
    /// The content digest of what <paramref name="operation"/> would copy (paths, types, modes, owners, link targets,
    /// contents; not mtimes): the part of the cache key that changes when a source file does.
    /// </summary>
    Task<Digest> DigestSourcesAsync(CopyOperation operation, CancellationToken cancellationToken);

    /// <summary>Copies the sources into <paramref name="targetRoot"/> (a stage's mounted root), never outside it.</summary>
    Task CopyAsync(CopyOperation operation, string targetRoot, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="chown"/> (<c>user[:group]</c>) with its names looked up in <paramref name="root"/>'s /etc/passwd
    /// and /etc/group, as <c>uid:gid</c>: a linked copy runs on an empty root, so its owner is found beforehand in
    /// the stage it is linked onto.
    /// </summary>
    Task<string> NumericOwnerAsync(string chown, string root, CancellationToken cancellationToken);

    /// <summary>
    /// Downloads ADD's http(s) sources (BuildKit's http source: mode 0600, the Last-Modified time, a non-2xx answer
    /// an error), checking <paramref name="checksum"/> when given.
    /// </summary>
    Task<IDownloadedSources> DownloadAsync(System.Collections.Immutable.ImmutableArray<string> urls, string? checksum, CancellationToken cancellationToken);

    /// <summary>Creates WORKDIR <paramref name="path"/> and its missing parents in <paramref name="targetRoot"/>, owned by <paramref name="user"/> as BuildKit does.</summary>
    Task CreateWorkdirAsync(string targetRoot, string path, string user, CancellationToken cancellationToken);
}
