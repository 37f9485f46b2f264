using System.Collections.Immutable;
using System.Text;
using Kiln.Oci;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Local;

/// <summary>A multi-platform index in a registry: one small image per platform, each config stating its platform.</summary>
internal sealed record PlatformIndex(Descriptor Index, ImmutableDictionary<string, Descriptor> Manifests, ImmutableDictionary<string, TestImage> Images)
{
    public static async Task<PlatformIndex> PushAsync(RegistryClient client, string repository, string tag, params string[] platforms)
    {
        var manifests = ImmutableDictionary.CreateBuilder<string, Descriptor>();
        var images = ImmutableDictionary.CreateBuilder<string, TestImage>();
        var entries = new List<string>();
        foreach (var specifier in platforms)
        {
            var platform = OciPlatform.Parse(specifier);
            var layers = await TestImage.CreateAsync($"{repository}-{tag}-{specifier}".Replace('/', '-'), layers: 2);
            var variant = platform.Variant is null ? string.Empty : $",\"variant\":\"{platform.Variant}\"";

            // TestImage's config with this platform in place of its fixed amd64 (its diff_ids stay right).
            var config = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(layers.Blobs[layers.Config.Digest])
                .Replace("\"architecture\":\"amd64\",\"os\":\"linux\"", $"\"architecture\":\"{platform.Architecture}\",\"os\":\"{platform.Os}\"{variant}", StringComparison.Ordinal));
            var configDescriptor = new Descriptor(MediaTypes.OciConfig, Digest.Sha256Of(config), config.Length);
            var manifestBytes = Encoding.UTF8.GetBytes(
                $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifest}}","config":{{TestImage.Json(configDescriptor)}},"layers":[{{string.Join(',', layers.Layers.Select(TestImage.Json))}}]}""");
            var manifest = new Descriptor(MediaTypes.OciManifest, Digest.Sha256Of(manifestBytes), manifestBytes.Length);
            var image = layers with
            {
                Blobs = layers.Blobs.Remove(layers.Config.Digest).SetItem(configDescriptor.Digest, config),
                Config = configDescriptor,
                Manifest = manifest,
                ManifestBytes = manifestBytes,
            };
            await image.PushAsync(client, repository, manifest.Digest.ToString());
            manifests[specifier] = manifest;
            images[specifier] = image;
            entries.Add($$$"""{"mediaType":"{{{manifest.MediaType}}}","digest":"{{{manifest.Digest}}}","size":{{{manifest.Size}}},"platform":{"architecture":"{{{platform.Architecture}}}","os":"{{{platform.Os}}}"{{{variant}}}}}""");
        }

        var indexBytes = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{string.Join(',', entries)}}]}""");
        await client.PutManifestAsync(repository, tag, MediaTypes.OciIndex, indexBytes, CancellationToken.None);
        return new PlatformIndex(new Descriptor(MediaTypes.OciIndex, Digest.Sha256Of(indexBytes), indexBytes.Length), manifests.ToImmutable(), images.ToImmutable());
    }
}
