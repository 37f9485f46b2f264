using Kiln.Build.Copy;
using Kiln.Content.Compression;
using Kiln.Content.Paths;
using Kiln.Content.Tar;

namespace Kiln.Build.Context;

/// <summary>
/// A build context sent as one archive (<c>docker build - &lt; context.tar.gz</c>): recognised and extracted by ADD's
/// rules for a local archive (plain tar, or gzip, bzip2, xz or zstd around one; entries never leave the directory).
/// </summary>
public static class ContextArchive
{
    /// <summary>How much of the input tells an archive from a Dockerfile: one tar header block, as docker's CLI reads.</summary>
    private const int HeaderSize = 512;

    /// <summary>
    /// Reads <paramref name="input"/> (standard input: it need not seek) as <c>docker build -</c> does (docker/cli's
    /// <c>DetectArchiveReader</c>): it is an archive when it starts with a compression's magic bytes or with a tar
    /// header whose checksum holds. An archive is extracted into the existing, empty <paramref name="directory"/> as
    /// it is read, and null returned; anything else is a Dockerfile, whose bytes are returned.
    /// </summary>
    /// <param name="maxDockerfileBytes">The most a Dockerfile may have; more is an <see cref="InvalidDataException"/>, and reading stops there.</param>
    /// <exception cref="CopyException">The archive is broken or an entry would leave <paramref name="directory"/>.</exception>
    public static async Task<byte[]?> ExtractOrReadDockerfileAsync(Stream input, string directory, int maxDockerfileBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var header = new byte[HeaderSize];
        var read = await input.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var prefix = header.AsMemory(0, read);
        var compressed = LayerDecompression.Detect(prefix.Span) != LayerCompression.None;
        if (compressed || (read == HeaderSize && TarFields.ChecksumMatches(header)))
        {
            await using var replay = new PrefixReplayStream(prefix, input, leaveOpen: true);
            using var target = RootDirectory.Open(directory);
            if (!await ArchiveUnpacker.TryUnpackAsync(replay, "standard input", new TargetWriter(target, CopyOptions.Default), [], null, cancellationToken).ConfigureAwait(false))
            {
                throw new CopyException("standard input is compressed, but what it holds is not a tar archive");
            }

            return null;
        }

        // A Dockerfile: what was read, then the rest, one byte past the limit at most.
        using var dockerfile = new MemoryStream();
        dockerfile.Write(prefix.Span);
        var buffer = new byte[64 * 1024];
        while (dockerfile.Length <= maxDockerfileBytes)
        {
            var count = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, maxDockerfileBytes + 1 - dockerfile.Length)), cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                return dockerfile.ToArray();
            }

            dockerfile.Write(buffer, 0, count);
        }

        throw new InvalidDataException($"the Dockerfile on standard input is larger than kiln's limit of {maxDockerfileBytes / (1024 * 1024)} MiB");
    }
}
