using Kiln.Build.Copy;
using Kiln.Content.Paths;

namespace Kiln.Build.Context;

/// <summary>
/// A build context sent as one archive (<c>docker build - &lt; context.tar.gz</c>): recognised and extracted by ADD's
/// rules for a local archive (plain tar, or gzip, bzip2, xz or zstd around one; entries never leave the directory).
/// </summary>
public static class ContextArchive
{
    /// <summary>
    /// Extracts <paramref name="file"/> into the existing, empty <paramref name="directory"/>; false when the file is
    /// no archive, and then nothing was written.
    /// </summary>
    public static async Task<bool> TryExtractAsync(string file, string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        using var sourceRoot = RootDirectory.Open(folder);
        var selected = SourceSelector.Select(sourceRoot, CopySourceRoot.FromDirectory(folder, "standard input"), Path.GetFileName(file)).Single();
        using var target = RootDirectory.Open(directory);
        return await ArchiveUnpacker.TryUnpackAsync(sourceRoot, selected, new TargetWriter(target, CopyOptions.Default), [], null, cancellationToken).ConfigureAwait(false);
    }
}
