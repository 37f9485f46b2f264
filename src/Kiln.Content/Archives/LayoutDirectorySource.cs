using System.Runtime.InteropServices;
using Kiln.Content.Images;
using Kiln.Content.Native;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Oci;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Archives;

/// <summary>
/// An OCI image layout directory. Every path comes from the layout's own documents, so it is joined lexically
/// (<see cref="ArchivePath"/>) and then opened through <see cref="RootDirectory"/> (openat with O_NOFOLLOW, one
/// component at a time, from a descriptor of the layout directory), refusing symlinks: a layout cannot make kiln
/// read a file outside its directory, even if its directories are swapped for links while it is read.
/// </summary>
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

    /// <summary>The regular file at <paramref name="path"/>, null if there is none; an error if a symlink is on the way.</summary>
    private FileStream? OpenFile(string path, string what)
    {
        var clean = ArchivePath.Normalize(path)
            ?? throw new ArchiveException($"{DisplayName}: {what} points at \"{path}\", which is outside the layout");
        var components = clean.Split('/');
        try
        {
            using var root = RootDirectory.Open(_root);
            using var location = root.Resolve(components, followFinal: false, createParents: false);

            // The resolver follows links inside the root; a layout's own files never need one, so any detour is refused.
            if (!location.Components.SequenceEqual(components, StringComparer.Ordinal))
            {
                throw SymlinkRefused(clean);
            }

            if (location.Parent is null)
            {
                return null;
            }

            var fd = Libc.Openat(location.Parent, location.Name, LinuxFlags.ORdOnly | LinuxFlags.ONoFollow | LinuxFlags.ONonBlock | LinuxFlags.OCloExec, 0);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno switch
                {
                    LinuxErrno.ENOENT => null,
                    LinuxErrno.ELOOP => throw SymlinkRefused(clean),
                    _ => throw LinuxErrno.ToException(errno, "open", Path.Join(_root, clean)),
                };
            }

            var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (RootDirectory.StatMode(handle, string.Empty, LinuxFlags.AtEmptyPath) is not { } mode || (mode & LinuxFlags.SIfMt) != LinuxFlags.SIfReg)
            {
                handle.Dispose();
                throw new ArchiveException($"{DisplayName}: {clean} is not a regular file");
            }

            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch (IOException e)
        {
            throw new ArchiveException($"{DisplayName}: cannot read {clean}: {e.Message}", e);
        }
    }

    private ArchiveException SymlinkRefused(string clean) =>
        new($"{DisplayName}: {clean} goes through a symlink; a layout's files must be its own");
}
