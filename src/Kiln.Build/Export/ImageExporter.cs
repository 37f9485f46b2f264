using System.Collections.Immutable;
using System.Security.Cryptography;
using Kiln.Content.Archives;
using Kiln.Content.IO;
using Kiln.Content.Images;
using Kiln.Content.Layers;
using Kiln.Content.Tar;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Transfer;

namespace Kiln.Build.Export;

/// <summary>
/// Sends a finished image (manifest, config and layers already in the content store) where <c>--output</c> says:
/// the local image store (the default), a registry push, an OCI layout or docker-archive tar (one file that is
/// both, as <c>kiln save</c> writes it), the final rootfs as a plain tar, or the rootfs as files in a directory.
/// Files are written to a temp name next to the destination and renamed, so a failed export never leaves a
/// half file under the destination's name.
/// </summary>
public sealed class ImageExporter
{
    private readonly ImageStore _images;
    private readonly Func<ImageReference, RegistryClient>? _registries;

    /// <param name="registries">Makes the client for a push (the CLI knows credentials and insecure registries).</param>
    public ImageExporter(ImageStore images, Func<ImageReference, RegistryClient>? registries = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        _images = images;
        _registries = registries;
    }

    /// <summary>
    /// Exports the image <paramref name="manifest"/> points at. <paramref name="tags"/> are the <c>-t</c> names; they
    /// and <c>name=</c> from the output name the image. <paramref name="standardOutput"/> receives <c>dest=-</c>.
    /// </summary>
    public async Task<OutputResult> ExportAsync(
        Descriptor manifest, OutputSpec output, IReadOnlyList<ImageReference> tags, Stream? standardOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tags);
        var names = output.Names.Concat(tags).Distinct().ToImmutableArray();
        switch (output.Type)
        {
            case OutputType.Image:
                var named = await NameAsync(manifest, names, cancellationToken).ConfigureAwait(false);
                var pushed = output.Push ? await PushAsync(manifest, names, cancellationToken).ConfigureAwait(false) : [];
                return new OutputResult(output.Type, manifest.Digest, named, null, pushed);

            case OutputType.Oci or OutputType.Docker:
                var archiveNames = await NameAsync(manifest, names, cancellationToken).ConfigureAwait(false);
                await WriteFileAsync(output.Destination!, standardOutput, (stream, token) => WriteArchiveAsync(manifest, archiveNames, stream, token), cancellationToken)
                    .ConfigureAwait(false);
                return new OutputResult(output.Type, manifest.Digest, archiveNames, output.Destination, []);

            case OutputType.Tar:
                await WriteFileAsync(output.Destination!, standardOutput, (stream, token) => WriteRootfsTarAsync(manifest, stream, token), cancellationToken)
                    .ConfigureAwait(false);
                return new OutputResult(output.Type, manifest.Digest, [], output.Destination, []);

            case OutputType.Local:
                await WriteDirectoryAsync(manifest, output.Destination!, cancellationToken).ConfigureAwait(false);
                return new OutputResult(output.Type, manifest.Digest, [], output.Destination, []);

            default:
                throw new OutputSpecException($"unknown output type {output.Type}");
        }
    }

    private async Task<ImmutableArray<ImageReference>> NameAsync(Descriptor manifest, ImmutableArray<ImageReference> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            await _images.SetAsync(name, manifest, null, cancellationToken).ConfigureAwait(false);
        }

        return names;
    }

    private async Task<ImmutableArray<ImageReference>> PushAsync(Descriptor manifest, ImmutableArray<ImageReference> names, CancellationToken cancellationToken)
    {
        if (_registries is null)
        {
            throw new OutputSpecException("push=true needs registry access, which this exporter was not given");
        }

        var content = _images.Content;
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var compressed = await ImageCompressor.CompressLayersAsync(content, manifest, cancellationToken).ConfigureAwait(false);
        var source = new ContentStoreBlobSource(content);
        foreach (var name in names)
        {
            using var client = _registries(name);
            await new ImagePusher(client).PushAsync(source, compressed, name.Repository, name.Tag, [], cancellationToken).ConfigureAwait(false);
        }

        return names;
    }

    private async Task WriteArchiveAsync(Descriptor manifest, ImmutableArray<ImageReference> names, Stream output, CancellationToken cancellationToken)
    {
        if (!names.IsEmpty)
        {
            await ImageArchiveWriter.WriteAsync(_images, [.. names.Select(n => n.ToString())], output, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The archive writer takes images by name; an unnamed build gets a private name for the time of the write,
        // and the archive (asked for by digest) carries no name, as BuildKit's unnamed oci/docker outputs.
        var temporary = ImageReference.Parse($"kiln.invalid/export-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}:latest");
        await _images.SetAsync(temporary, manifest, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await ImageArchiveWriter.WriteAsync(_images, [manifest.Digest.ToString()], output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _images.RemoveAsync(temporary.ToString(), force: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WriteRootfsTarAsync(Descriptor manifest, Stream output, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("kiln-export-").FullName;
        try
        {
            var rootfs = Path.Combine(staging, "rootfs");
            Directory.CreateDirectory(rootfs);
            await ApplyLayersAsync(manifest, rootfs, cancellationToken).ConfigureAwait(false);
            await new DirectoryLayerSource(rootfs).WriteAsync(output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // By descriptor: an image may hold paths longer than PATH_MAX.
            DirectoryTree.Remove(staging);
        }
    }

    private async Task WriteDirectoryAsync(Descriptor manifest, string destination, CancellationToken cancellationToken)
    {
        // Layers carry whiteouts: applied over a directory that already holds files they would delete or replace
        // the user's files, so the destination must be new or empty.
        var full = Path.GetFullPath(destination);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new OutputSpecException($"--output type=local: {destination} is not empty; give a new or empty directory");
        }

        if (File.Exists(full))
        {
            throw new OutputSpecException($"--output type=local: {destination} is a file; give a new or empty directory");
        }

        Directory.CreateDirectory(full);
        await ApplyLayersAsync(manifest, full, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyLayersAsync(Descriptor manifest, string root, CancellationToken cancellationToken)
    {
        var content = _images.Content;
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var bytes = await content.ReadAllBytesAsync(manifest.Digest, ImageStore.MaxDocumentSize, cancellationToken).ConfigureAwait(false);
        var parsed = OciDocuments.ParseManifest(bytes).Value;
        foreach (var layer in parsed.Layers)
        {
            var stream = await content.OpenReadAsync(layer.Digest, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await LayerExtractor.ExtractAsync(stream, root, ExtractOptions.Default, cancellationToken).ConfigureAwait(false);

                // Read to the end so the store verifies the whole blob, trailing padding included.
                await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteFileAsync(string destination, Stream? standardOutput, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (destination == "-")
        {
            var output = standardOutput ?? throw new OutputSpecException("dest=- needs standard output, which is not available here");
            await write(output, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var full = Path.GetFullPath(destination);
        if (Directory.Exists(full))
        {
            throw new OutputSpecException($"--output dest={destination} is a directory; give a file name");
        }

        var file = ReplacementFile.Create(full);
        await using (file.ConfigureAwait(false))
        {
            await write(file.Stream, cancellationToken).ConfigureAwait(false);
            await file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
