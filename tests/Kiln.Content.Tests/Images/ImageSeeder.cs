using System.Collections.Immutable;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Content.Tests.Images;

/// <summary>Seeds images into a store through its public API: layer blobs, a config, a manifest (and an index).</summary>
internal static class ImageSeeder
{
    public sealed record Seeded(Descriptor Manifest, Descriptor Config, ImmutableArray<Descriptor> Layers, Descriptor? Index);

    /// <param name="plainLayers">Layers as Kiln writes them locally: plain tar media type, blob digest = diffID.</param>
    public static async Task<Seeded> SeedAsync(ContentStore store, int seed, int layers = 2, bool withIndex = false, bool plainLayers = false)
    {
        var random = new Random(seed);
        var layerDescriptors = ImmutableArray.CreateBuilder<Descriptor>();
        var diffIds = ImmutableArray.CreateBuilder<Digest>();
        for (var i = 0; i < layers; i++)
        {
            var bytes = new byte[1000 + random.Next(5000)];
            random.NextBytes(bytes);
            var blob = await store.WriteAsync(bytes, CancellationToken.None);
            layerDescriptors.Add(new Descriptor(plainLayers ? MediaTypes.OciLayer : MediaTypes.OciLayerGzip, blob.Digest, blob.Size));
            diffIds.Add(plainLayers ? blob.Digest : Digest.Sha256Of(bytes.AsSpan(1)));
        }

        var config = OciDocuments.Write(new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Created = OciTimestamp.FromUnixSeconds(1_700_000_000 + seed),
            Config = new ContainerConfig { Env = ["PATH=/usr/bin", $"SEED={seed}"], Cmd = ["sh"] },
            RootFs = new RootFs { DiffIds = diffIds.ToImmutable() },
        });
        var configBlob = await store.WriteAsync(config.Raw.AsMemory(), CancellationToken.None);
        var configDescriptor = new Descriptor(MediaTypes.OciConfig, configBlob.Digest, configBlob.Size);
        var manifest = OciDocuments.Write(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = layerDescriptors.ToImmutable(),
        });
        var manifestBlob = await store.WriteAsync(manifest.Raw.AsMemory(), CancellationToken.None);
        var manifestDescriptor = new Descriptor(MediaTypes.OciManifest, manifestBlob.Digest, manifestBlob.Size)
        {
            Platform = new OciPlatform("amd64", "linux"),
        };
        Descriptor? indexDescriptor = null;
        if (withIndex)
        {
            var index = OciDocuments.Write(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [manifestDescriptor] });
            var indexBlob = await store.WriteAsync(index.Raw.AsMemory(), CancellationToken.None);
            indexDescriptor = new Descriptor(MediaTypes.OciIndex, indexBlob.Digest, indexBlob.Size);
        }

        return new Seeded(manifestDescriptor with { Platform = null }, configDescriptor, layerDescriptors.ToImmutable(), indexDescriptor);
    }
}
