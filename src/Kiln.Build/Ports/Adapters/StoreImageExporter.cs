using System.Collections.Immutable;
using Kiln.Build.Export;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// Writes the built image's config and OCI manifest into the content store, then hands the manifest to
/// <see cref="ImageExporter"/> once per <c>--output</c> (none given: the local image store).
/// </summary>
/// <param name="tags">The <c>-t</c> names.</param>
/// <param name="standardOutput">Where <c>dest=-</c> writes; null when there is no such stream.</param>
public sealed class StoreImageExporter(
    ContentStore content,
    ImageExporter exporter,
    ImmutableArray<OutputSpec> outputs,
    ImmutableArray<ImageReference> tags,
    Stream? standardOutput) : IImageExporter
{
    public async Task<ExportResult> ExportAsync(BuiltImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var blobs = image.Layers.Select(l => l.Blob ?? throw new ArgumentException("a layer of the image is only a snapshot: export it first", nameof(image))).ToImmutableArray();
        var config = OciDocuments.Write(image.Config);
        await content.WriteAsync(config.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
        var manifest = OciDocuments.Write(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = config.ToDescriptor(MediaTypes.OciConfig),
            Layers = blobs,
        });
        await content.WriteAsync(manifest.Raw.AsMemory(), cancellationToken).ConfigureAwait(false);
        var descriptor = manifest.ToDescriptor(MediaTypes.OciManifest);

        foreach (var output in outputs.IsDefaultOrEmpty ? [OutputSpec.Default] : outputs)
        {
            await exporter.ExportAsync(descriptor, output, tags, standardOutput, cancellationToken).ConfigureAwait(false);
        }

        var size = config.Raw.Length + manifest.Raw.Length + blobs.Sum(b => b.Size);
        return new ExportResult(config.Digest, descriptor.Digest, size);
    }
}
