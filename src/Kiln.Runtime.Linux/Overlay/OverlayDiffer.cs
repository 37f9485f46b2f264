using System.Collections.Immutable;
using System.Text;
using Kiln.Content.Compression;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Content.Tar;
using Kiln.Oci;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Overlay;

/// <summary>
/// Turns an overlay upper directory into an OCI layer in the content store: the upper is walked as
/// <see cref="DirectoryLayerSource"/> walks any directory (sorted, deterministic), with overlayfs' bookkeeping
/// translated to OCI whiteouts on the way.
/// </summary>
/// <remarks>
/// https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md#whiteouts. A 0/0 character device (or, since
/// Linux 6.7, an empty file marked <c>trusted.overlay.whiteout</c>) is a deleted name: it becomes an empty
/// <c>.wh.NAME</c>. A directory with <c>trusted.overlay.opaque=y</c> hides everything below it: its entry is
/// followed by <c>.wh..wh..opq</c>. Other <c>trusted.overlay.*</c> attributes are dropped (the default xattr filter
/// leaves all of <c>trusted.*</c> out). Whiteouts are never hard links, though overlayfs hard-links many of them to
/// one shared inode. Redirects and metacopy files cannot be expressed from the upper alone; <see cref="OverlayMount"/>
/// turns both features off, and meeting one here is an error rather than a wrong layer.
/// </remarks>
public static class OverlayDiffer
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>Writes the upper directory as a layer blob into <paramref name="content"/> and returns it.</summary>
    public static async Task<LayerBlob> DiffAsync(string upperDirectory, ContentStore content, OverlayDiffOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(upperDirectory);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new OverlayDiffOptions();
        var source = new DirectoryLayerSource(upperDirectory, new DirectoryLayerOptions
        {
            SourceDateEpoch = options.SourceDateEpoch,
            Rewrite = Rewrite,
        });
        var writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var blob = await LayerWriter.WriteAsync(source.WriteAsync, writer, options.Layer, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            return blob;
        }
    }

    /// <summary>
    /// Writes the snapshot <paramref name="name"/> (a step's upper kept by <c>Sandbox.Keep</c>) as a layer blob into
    /// <paramref name="content"/>, holding it in use meanwhile. Its mtimes and files are what the step left, so the
    /// layer is the one a diff of the upper right after the step would have made.
    /// </summary>
    /// <exception cref="SnapshotGoneException">The snapshot is not there, or not whole.</exception>
    public static async Task<LayerBlob> DiffSnapshotAsync(SnapshotStore snapshots, ContentStore content, Digest name, OverlayDiffOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        using var lease = await snapshots.AcquireAsync(content, [new SnapshotLayer(name, null, null)], cancellationToken).ConfigureAwait(false);
        return await DiffAsync(snapshots.LayerDirectory(name), content, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The translation itself, separate so that it can be tested entry by entry.</summary>
    internal static ImmutableArray<TarEntry>? Rewrite(TarEntry entry, ReadOnlySpan<byte> path)
    {
        switch (entry.Kind)
        {
            case TarEntryKind.CharacterDevice when entry.DeviceMajor == 0 && entry.DeviceMinor == 0:
                return [Whiteout(entry)];
            case TarEntryKind.RegularFile when entry.Size == 0 && OverlayXattr.Get(path, OverlayXattr.Whiteout) is not null:
                return [Whiteout(entry)];
            case TarEntryKind.RegularFile when OverlayXattr.Get(path, OverlayXattr.Metacopy) is not null:
                throw new IOException($"{Display(entry)}: overlay metacopy file in the upper directory (mounted with metacopy=on?): its data is in a lower layer");
            case TarEntryKind.Directory:
                if (OverlayXattr.Get(path, OverlayXattr.Redirect) is not null)
                {
                    throw new IOException($"{Display(entry)}: overlay redirect in the upper directory (mounted with redirect_dir=on?): a renamed directory's content is in a lower layer");
                }

                if (OverlayXattr.Get(path, OverlayXattr.Opaque) is [(byte)'y'])
                {
                    return [entry, Marker(entry, [.. entry.Name, (byte)'/', .. Encoding.ASCII.GetBytes(OpaqueMarker)])];
                }

                return null;
            default:
                return null;
        }
    }

    private static TarEntry Whiteout(TarEntry deleted)
    {
        var name = deleted.Name.AsSpan();
        var slash = name.LastIndexOf((byte)'/');
        byte[] whiteout = [.. name[..(slash + 1)], .. Encoding.ASCII.GetBytes(WhiteoutPrefix), .. name[(slash + 1)..]];
        return Marker(deleted, whiteout);
    }

    /// <summary>An empty regular file owned by root with mode 0, as containerd and BuildKit write whiteouts.</summary>
    private static TarEntry Marker(TarEntry from, byte[] name) => new()
    {
        Kind = TarEntryKind.RegularFile,
        Name = [.. name],
        Mode = 0,
        ModificationTime = from.ModificationTime,
    };

    private static string Display(TarEntry entry) => FileNameEncoding.Display(entry.Name.AsSpan());
}
