using System.Text.Json.Nodes;

namespace Kiln.Differential.Images;

/// <summary>An image as a builder made it: its config document, each layer's members, and the filesystem they make.</summary>
internal sealed class BuiltImage
{
    private const string ManifestConfig = "Config";
    private const string ManifestLayers = "Layers";

    public required JsonObject Config { get; init; }

    public required IReadOnlyList<IReadOnlyList<LayerEntry>> Layers { get; init; }

    public required FlatFilesystem Filesystem { get; init; }

    /// <summary>
    /// Reads a docker-archive (<c>docker save</c>, <c>kiln save</c>): <c>manifest.json</c> names the config and the
    /// layers in order. Docker 25+ writes an OCI layout beside it; the manifest still names every file.
    /// </summary>
    public static BuiltImage ReadArchive(string archive, string scratch)
    {
        Directory.CreateDirectory(scratch);
        Tools.RunBytes("tar", ["-xf", archive, "-C", scratch]);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, "manifest.json")))!.AsArray();
        if (manifest.Count != 1)
        {
            throw new InvalidDataException($"{archive} holds {manifest.Count} images, not one");
        }

        var entry = manifest[0]!.AsObject();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(scratch, (string)entry[ManifestConfig]!)))!.AsObject();
        var layers = entry[ManifestLayers]!.AsArray().Select(l => (IReadOnlyList<LayerEntry>)LayerTarReader.Read(Path.Combine(scratch, (string)l!))).ToList();
        Directory.Delete(scratch, recursive: true);
        return new BuiltImage { Config = config, Layers = layers, Filesystem = FlatFilesystem.Of(layers) };
    }
}
