using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// An image archive being loaded, as a set of files named by clean archive paths (<see cref="ArchivePath"/>):
/// a scanned tar whose big members are in the store already, or an OCI layout directory read on demand.
/// </summary>
internal interface IArchiveSource
{
    /// <summary>What the user named, for messages.</summary>
    string DisplayName { get; }

    /// <summary>A small file (index.json, manifest.json, oci-layout), or null if the archive has none by that name.</summary>
    Task<byte[]?> ReadDocumentAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the file at <paramref name="path"/> a blob in the store, verified against <paramref name="expected"/>
    /// and <paramref name="expectedSize"/> when given; <paramref name="what"/> says who pointed at it, for the
    /// error when the file is missing or points outside the archive.
    /// </summary>
    Task<BlobInfo> GetBlobAsync(string path, Digest? expected, long? expectedSize, string what, CancellationToken cancellationToken);
}
