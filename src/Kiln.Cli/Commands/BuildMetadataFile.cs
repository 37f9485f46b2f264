using System.Collections.Immutable;
using System.Text.Json;
using Kiln.Build.Ports;
using Kiln.Content.IO;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>--metadata-file</c>: the build's result as buildx writes it, for scripts and CI that read it
/// (<c>containerimage.digest</c> is the manifest digest, <c>containerimage.config.digest</c> the image id,
/// <c>image.name</c> the <c>-t</c> names, comma-separated, when there are any).
/// </summary>
internal static class BuildMetadataFile
{
    public static async Task WriteAsync(string path, ExportResult image, ImmutableArray<ImageReference> tags, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("containerimage.config.digest", image.ImageId.ToString());
            json.WriteString("containerimage.digest", image.ManifestDigest.ToString());
            if (!tags.IsDefaultOrEmpty)
            {
                json.WriteString("image.name", string.Join(',', tags.Select(t => t.ToString())));
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await ReplacementFile.WriteAllBytesAsync(path, buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }
}
