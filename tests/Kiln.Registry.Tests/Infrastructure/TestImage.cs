using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Kiln.Oci;

namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>A small image made for a test: gzip layers tarred by GNU tar, a config and a manifest, all in memory.</summary>
internal sealed record TestImage(
    ImmutableDictionary<Digest, byte[]> Blobs,
    Descriptor Config,
    ImmutableArray<Descriptor> Layers,
    Descriptor Manifest,
    byte[] ManifestBytes)
{
    public static async Task<TestImage> CreateAsync(string seed, int layers = 2, int bytesPerLayer = 4096, string manifestMediaType = MediaTypes.OciManifest)
    {
        var tar = Tools.Require("/usr/bin/tar");
        var blobs = ImmutableDictionary.CreateBuilder<Digest, byte[]>();
        var layerDescriptors = ImmutableArray.CreateBuilder<Descriptor>();
        var diffIds = new List<string>();
        using var work = new TempDirectory();
        for (var i = 0; i < layers; i++)
        {
            var root = Path.Combine(work.Path, $"layer{i}");
            Directory.CreateDirectory(Path.Combine(root, "data"));
            var random = new Random(HashCode.Combine(seed.GetHashCode(StringComparison.Ordinal), i));
            var content = new byte[bytesPerLayer];
            random.NextBytes(content);
            await File.WriteAllBytesAsync(Path.Combine(root, "data", $"{seed}-{i}.bin"), content);
            await File.WriteAllTextAsync(Path.Combine(root, "data", "name.txt"), $"{seed} layer {i}\n");
            var tarPath = Path.Combine(work.Path, $"layer{i}.tar");
            await Tools.RunAsync(tar, ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-cf", tarPath, "-C", root, "."]);
            var tarBytes = await File.ReadAllBytesAsync(tarPath);
            diffIds.Add(Digest.Sha256Of(tarBytes).ToString());
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(tarBytes);
            }

            var blob = compressed.ToArray();
            var mediaType = manifestMediaType == MediaTypes.DockerManifest ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip;
            var descriptor = new Descriptor(mediaType, Digest.Sha256Of(blob), blob.Length);
            blobs[descriptor.Digest] = blob;
            layerDescriptors.Add(descriptor);
        }

        var diffIdList = string.Join(',', diffIds.Select(d => $"\"{d}\""));
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Env":["SEED={{{seed}}}"]},"rootfs":{"type":"layers","diff_ids":[{{{diffIdList}}}]}}""");
        var configType = manifestMediaType == MediaTypes.DockerManifest ? MediaTypes.DockerConfig : MediaTypes.OciConfig;
        var configDescriptor = new Descriptor(configType, Digest.Sha256Of(config), config.Length);
        blobs[configDescriptor.Digest] = config;

        var manifest = new StringBuilder();
        manifest.Append($$"""{"schemaVersion":2,"mediaType":"{{manifestMediaType}}","config":{{Json(configDescriptor)}},"layers":[""");
        manifest.AppendJoin(',', layerDescriptors.Select(Json));
        manifest.Append("]}");
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToString());
        var manifestDescriptor = new Descriptor(manifestMediaType, Digest.Sha256Of(manifestBytes), manifestBytes.Length);
        return new TestImage(blobs.ToImmutable(), configDescriptor, layerDescriptors.ToImmutable(), manifestDescriptor, manifestBytes);
    }

    public static string Json(Descriptor descriptor) =>
        $$"""{"mediaType":"{{descriptor.MediaType}}","digest":"{{descriptor.Digest}}","size":{{descriptor.Size}}}""";

    /// <summary>Pushes with the client under test, blobs first, manifest last.</summary>
    public async Task PushAsync(RegistryClient client, string repository, string tag)
    {
        foreach (var descriptor in Layers.Add(Config))
        {
            using var stream = new MemoryStream(Blobs[descriptor.Digest]);
            await client.UploadBlobAsync(repository, descriptor, stream, CancellationToken.None);
        }

        await client.PutManifestAsync(repository, tag, Manifest.MediaType, ManifestBytes, CancellationToken.None);
    }
}
