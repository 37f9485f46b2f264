using System.Collections.Immutable;
using System.IO.Compression;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Credentials;

namespace Kiln.Cli.Tests.Registry;

/// <summary>
/// A small, real image put into a test registry with the registry client: gzip layers of GNU tar archives, a config
/// whose diff_ids match them, an OCI manifest; or an index of several such images, one per platform.
/// </summary>
internal sealed record SeedImage(Descriptor Manifest, Descriptor Config, ImmutableArray<Descriptor> Layers)
{
    public static async Task<SeedImage> PushAsync(string host, string repository, string reference, string seed, string platform = "linux/amd64", int layers = 2)
    {
        using var client = new RegistryClient(host, null, DockerCredentialStore.ForCurrentUser());
        return await PushAsync(client, repository, reference, seed, OciPlatform.Parse(platform), layers);
    }

    /// <summary>Pushes one image per platform and an OCI index of them under <paramref name="tag"/>; returns the index and the images by platform.</summary>
    public static async Task<(Descriptor Index, ImmutableDictionary<string, SeedImage> Images)> PushIndexAsync(string host, string repository, string tag, params string[] platforms)
    {
        using var client = new RegistryClient(host, null, DockerCredentialStore.ForCurrentUser());
        var images = ImmutableDictionary.CreateBuilder<string, SeedImage>();
        var entries = ImmutableArray.CreateBuilder<Descriptor>();
        foreach (var specifier in platforms)
        {
            var platform = OciPlatform.Parse(specifier);
            var image = await PushAsync(client, repository, null, $"{repository}-{specifier}", platform, 1);
            images[specifier] = image;
            entries.Add(image.Manifest with { Platform = platform });
        }

        var index = OciDocuments.Write(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = entries.ToImmutable() });
        await client.PutManifestAsync(repository, tag, MediaTypes.OciIndex, index.Raw.AsMemory(), CancellationToken.None);
        return (index.ToDescriptor(MediaTypes.OciIndex), images.ToImmutable());
    }

    private static async Task<SeedImage> PushAsync(RegistryClient client, string repository, string? reference, string seed, OciPlatform platform, int layerCount)
    {
        var tar = Tools.Require("/usr/bin/tar");
        var work = Directory.CreateTempSubdirectory("kiln-cli-seed-").FullName;
        try
        {
            var layers = ImmutableArray.CreateBuilder<Descriptor>();
            var diffIds = ImmutableArray.CreateBuilder<Digest>();
            for (var i = 0; i < layerCount; i++)
            {
                var root = Path.Combine(work, $"layer{i}");
                Directory.CreateDirectory(Path.Combine(root, "data"));
                var bytes = new byte[8192 + i];
                new Random(HashCode.Combine(string.GetHashCode(seed, StringComparison.Ordinal), i)).NextBytes(bytes);
                await File.WriteAllBytesAsync(Path.Combine(root, "data", $"file{i}.bin"), bytes);
                await File.WriteAllTextAsync(Path.Combine(root, "data", "seed.txt"), $"{seed} {i}\n");
                var tarPath = Path.Combine(work, $"layer{i}.tar");
                await Tools.RunAsync(tar, ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-cf", tarPath, "-C", root, "."]);
                var tarBytes = await File.ReadAllBytesAsync(tarPath);
                diffIds.Add(Digest.Sha256Of(tarBytes));
                using var gz = new MemoryStream();
                await using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await gzip.WriteAsync(tarBytes);
                }

                var blob = gz.ToArray();
                var layer = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(blob), blob.Length);
                await client.UploadBlobAsync(repository, layer, new MemoryStream(blob), CancellationToken.None);
                layers.Add(layer);
            }

            var config = OciDocuments.Write(new ImageConfig
            {
                Architecture = platform.Architecture,
                Os = platform.Os,
                Variant = platform.Variant,
                Created = OciTimestamp.FromUnixSeconds(1_700_000_000),
                Config = new ContainerConfig { Env = [$"SEED={seed}"], Cmd = ["sh"] },
                RootFs = new RootFs { DiffIds = diffIds.ToImmutable() },
            });
            var configDescriptor = config.ToDescriptor(MediaTypes.OciConfig);
            await client.UploadBlobAsync(repository, configDescriptor, new MemoryStream(config.Raw.ToArray()), CancellationToken.None);
            var manifest = OciDocuments.Write(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = layers.ToImmutable() });
            var manifestDescriptor = manifest.ToDescriptor(MediaTypes.OciManifest);
            await client.PutManifestAsync(repository, reference ?? manifestDescriptor.Digest.ToString(), MediaTypes.OciManifest, manifest.Raw.AsMemory(), CancellationToken.None);
            return new SeedImage(manifestDescriptor, configDescriptor, layers.ToImmutable());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
