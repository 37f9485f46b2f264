using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Kiln.Build.Copy;
using Kiln.Content.Paths;
using Kiln.Oci;

namespace Kiln.Build.Context;

/// <summary>
/// The content checksum of a COPY/ADD's sources, for the build cache: what the step would copy, not when it was
/// touched. Covers, per selected source in order, every entry's relative path, type, mode (after --chmod), owner
/// (after --chown, or 0:0 for the context), symlink target, xattrs and file content; never mtimes. The same
/// selection and walk as <see cref="CopyExecutor"/>, so the digest and the copy cannot disagree about what is in.
/// </summary>
/// <remarks>
/// Encoding (version 1, pinned by a golden test): the UTF-8 tag <c>kiln.copy-sources.v1</c>, then a sequence of
/// fields, each a 4-byte big-endian length followed by its bytes; numbers are 8-byte big-endian inside a field.
/// Lengths make the encoding injective: no two different trees produce the same byte stream.
/// </remarks>
public static class CopySourceDigest
{
    public const string Version = "kiln.copy-sources.v1";

    public static async Task<Digest> ComputeAsync(CopyRequest request, CopySourceRoot source, CopyDigestOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        request.EnsureSupported();
        using var root = RootDirectory.Open(source.Path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoder = new Encoder(hash);
        encoder.Text(Version);
        encoder.Text(request.Keyword);
        encoder.Number(request.IsAdd && request.Unpack != false ? 1 : 0);
        var visitor = new DigestVisitor(encoder, source, request, options);
        var exclude = request.ExcludeMatcher();
        foreach (var text in request.Sources)
        {
            encoder.Text("source");
            encoder.Text(text);
            foreach (var (selected, parents) in CopyExecutor.SelectOne(request, root, source, text))
            {
                encoder.Text("selected");
                encoder.Text(selected.Name);
                if (selected.Stat.IsDirectory)
                {
                    encoder.Text("directory-contents");
                    await SourceWalker.WalkAsync(root, source, selected, visitor, cancellationToken, exclude, parents).ConfigureAwait(false);
                }
                else
                {
                    using var parent = root.OpenDirectory(selected.Physical[..^1]);
                    var entry = new SourceEntry(selected.Name, selected.Physical[^1], selected.Stat, parent, selected.PhysicalPath, null);
                    await visitor.PrepareFilesAsync([entry], cancellationToken).ConfigureAwait(false);
                    await visitor.VisitAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var heredoc in request.Heredocs)
        {
            encoder.Text("heredoc");
            encoder.Text(heredoc.Path);
            encoder.Number(ModeApplier.Apply(request.Chmod, 0x1A4, isDirectory: false));
            var owner = options.Owner ?? new CopyOwner(0, 0);
            encoder.Number(owner.Uid);
            encoder.Number(owner.Gid);
            encoder.Bytes(SHA256.HashData(Encoding.UTF8.GetBytes(heredoc.Data)));
        }

        return Digest.FromSha256Hash(hash.GetHashAndReset());
    }

    /// <summary>Length-prefixed fields into the running hash.</summary>
    private sealed class Encoder(IncrementalHash hash)
    {
        // Names as their bytes: two names that differ only in bytes that are not UTF-8 must not hash alike.
        public void Text(string value) => Bytes(FileNameEncoding.Encode(value));

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            hash.AppendData(length);
            hash.AppendData(value);
        }

        public void Number(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            Bytes(bytes);
        }
    }

    private sealed class DigestVisitor(Encoder encoder, CopySourceRoot source, CopyRequest request, CopyDigestOptions options) : ISourceVisitor
    {
        /// <summary>What <see cref="PrepareFilesAsync"/> found for regular files that have not been visited yet.</summary>
        private readonly Dictionary<SourceEntry, FileContent> _prepared = new(ReferenceEqualityComparer.Instance);

        public ValueTask EnterDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken)
        {
            Header(directory);
            return ValueTask.CompletedTask;
        }

        public ValueTask LeaveDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        /// <summary>Reads and hashes the files the stat cache does not know, on several threads.</summary>
        public ValueTask PrepareFilesAsync(IReadOnlyList<SourceEntry> files, CancellationToken cancellationToken)
        {
            var regular = files.Where(f => f.Stat.IsRegularFile).ToArray();
            var contents = new FileContent[regular.Length];
            ParallelFiles.For(regular.Length, i => contents[i] = Content(regular[i], cancellationToken), cancellationToken);
            for (var i = 0; i < regular.Length; i++)
            {
                _prepared[regular[i]] = contents[i];
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask VisitAsync(SourceEntry entry, CancellationToken cancellationToken)
        {
            var stat = entry.Stat;
            if (stat.IsRegularFile)
            {
                if (!_prepared.Remove(entry, out var content))
                {
                    throw new InvalidOperationException($"{entry.PhysicalPath} was visited before its directory's files were prepared");
                }

                if (content.Read)
                {
                    options.OnContentRead?.Invoke(entry.PhysicalPath);
                }

                Header(entry, content.Xattrs);
                encoder.Bytes(content.Hash);
                return ValueTask.CompletedTask;
            }

            Header(entry);
            if (stat.IsSymbolicLink)
            {
                encoder.Text(entry.LinkTarget ?? string.Empty);
            }
            else
            {
                encoder.Number(stat.DeviceMajor);
                encoder.Number(stat.DeviceMinor);
            }

            return ValueTask.CompletedTask;
        }

        /// <summary>A regular file's attributes and content hash; called for several files at once.</summary>
        private FileContent Content(SourceEntry entry, CancellationToken cancellationToken)
        {
            // An unchanged file needs no reading, and none of llistxattr either when the cache knows it had no attributes.
            var key = source.Path + "/" + entry.PhysicalPath;
            if (options.Cache is { } cache && cache.TryGet(key, entry.Stat, out var cached, out var hasXattrs))
            {
                return new FileContent(cached, hasXattrs ? Xattrs.Read(entry.ProcPath) : [], Read: false);
            }

            var xattrs = Xattrs.Read(entry.ProcPath);
            return new FileContent(ContentHash(entry, key, xattrs.Length > 0, cancellationToken), xattrs, Read: true);
        }

        private void Header(SourceEntry entry) => Header(entry, Xattrs.Read(entry.ProcPath));

        private void Header(SourceEntry entry, ImmutableArray<(string Name, byte[] Value)> xattrs)
        {
            var stat = entry.Stat;
            encoder.Text(entry.RelativePath);
            encoder.Number(stat.Type);
            encoder.Number(stat.IsSymbolicLink ? stat.Permissions : ModeApplier.Apply(request.Chmod, stat.Permissions, stat.IsDirectory));
            var owner = options.Owner ?? (source.ResetOwnership ? new CopyOwner(0, 0) : new CopyOwner(stat.Uid, stat.Gid));
            encoder.Number(owner.Uid);
            encoder.Number(owner.Gid);
            encoder.Number(xattrs.Length);
            foreach (var (name, value) in xattrs)
            {
                encoder.Text(name);
                encoder.Bytes(value);
            }
        }

        /// <remarks>
        /// Read synchronously: an async read of a file opened without O_ASYNC-style I/O is a thread-pool hop per chunk
        /// on Linux, which for a context of many small files cost more than the reading itself.
        /// </remarks>
        private byte[] ContentHash(SourceEntry entry, string key, bool hasXattrs, CancellationToken cancellationToken)
        {
            var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            using var handle = DirectoryListing.OpenFileForRead(entry.Parent, entry.Name, entry.PhysicalPath);
            var opened = FileStat.OfHandle(handle);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
            try
            {
                long offset = 0;
                int read;
                while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    hash.AppendData(buffer, 0, read);
                    offset += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var result = hash.GetHashAndReset();

            // Cache under the stat of the file we actually read; if it changed meanwhile the next build re-reads it.
            if (options.Cache is { } target && opened.Inode == entry.Stat.Inode && opened.Size == entry.Stat.Size
                && opened.ModifiedNanoseconds == entry.Stat.ModifiedNanoseconds)
            {
                target.Set(key, opened, result, hasXattrs, now);
            }

            return result;
        }

        /// <param name="Read">Whether the content was read (not known from the stat cache).</param>
        private sealed record FileContent(byte[] Hash, ImmutableArray<(string Name, byte[] Value)> Xattrs, bool Read);
    }
}
