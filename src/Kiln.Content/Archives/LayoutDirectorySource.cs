using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Archives;

/// <summary>
/// An OCI image layout directory. Every path comes from the layout's own documents, so it is joined lexically
/// (<see cref="ArchivePath"/>) and then walked component by component, refusing symlinks: a layout cannot make
/// kiln read a file outside its directory.
/// </summary>
/// <remarks>
/// A symlink swapped in between the check and the open is not caught; the secure-join helper of
/// <c>Kiln.Content.Paths</c> (openat with O_NOFOLLOW) should replace <see cref="OpenFile"/> when it lands.
/// </remarks>
internal sealed class LayoutDirectorySource(ContentStore content, string directory) : IArchiveSource
{
    private readonly string _root = Path.GetFullPath(directory);

    public string DisplayName => directory;

    public async Task<byte[]?> ReadDocumentAsync(string path, CancellationToken cancellationToken)
    {
        var file = OpenFile(path, path);
        if (file is null)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            if (file.Length > ImageStore.MaxDocumentSize)
            {
                throw new ArchiveException($"{DisplayName}: {path} has {file.Length} bytes, more than the {ImageStore.MaxDocumentSize} allowed for it");
            }

            var bytes = new byte[file.Length];
            await file.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            return bytes;
        }
    }

    public async Task<BlobInfo> GetBlobAsync(string path, Digest? expected, long? expectedSize, string what, CancellationToken cancellationToken)
    {
        if (expected is { } digest && content.Info(digest) is { } stored && (expectedSize is null || stored.Size == expectedSize))
        {
            return stored;
        }

        var file = OpenFile(path, what)
            ?? throw new ArchiveException($"{DisplayName}: {what} points at {path}, which is not in the layout");
        await using (file.ConfigureAwait(false))
        {
            try
            {
                return await content.WriteAsync(file, expected, expectedSize, cancellationToken).ConfigureAwait(false);
            }
            catch (DigestMismatchException e)
            {
                throw new ArchiveException($"{DisplayName}: {path} does not hold what {what} says: {e.Message}", e);
            }
        }
    }

    private FileStream? OpenFile(string path, string what)
    {
        var clean = ArchivePath.Normalize(path)
            ?? throw new ArchiveException($"{DisplayName}: {what} points at \"{path}\", which is outside the layout");
        var current = _root;
        var parts = clean.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Join(current, parts[i]);
            FileSystemInfo info = i == parts.Length - 1 ? new FileInfo(current) : new DirectoryInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new ArchiveException($"{DisplayName}: {clean} goes through the symlink {current}; a layout's files must be its own");
            }

            if (!info.Exists)
            {
                return null;
            }
        }

        return new FileStream(current, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        });
    }
}
