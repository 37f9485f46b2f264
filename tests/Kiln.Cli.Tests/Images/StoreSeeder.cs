using System.Collections.Immutable;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Images;

/// <summary>
/// A temp store root seeded through the store API (blobs, config, manifest, names), with fixed bytes and times so
/// digests, and so the golden output, are the same on every run.
/// </summary>
internal sealed class StoreSeeder : IDisposable
{
    public StoreSeeder()
    {
        Path = Directory.CreateTempSubdirectory("kiln-cli-").FullName;
        Content = ContentStore.Open(new StoreRoot(Path));
        Images = ImageStore.Open(Content);
    }

    public string Path { get; }

    public ContentStore Content { get; }

    public ImageStore Images { get; }

    public CliRun Run(params string[] args) => CliRun.Of([.. args, "--root", Path]);

    /// <summary>An image with <paramref name="layerSizes"/> layers of fixed content, and docker-style history.</summary>
    public async Task<(Descriptor Manifest, Digest Id)> SeedAsync(string name, long created, int[] layerSizes, ContainerConfig? config = null, bool withIndex = false)
    {
        var layers = ImmutableArray.CreateBuilder<Descriptor>();
        var diffIds = ImmutableArray.CreateBuilder<Digest>();
        var history = ImmutableArray.CreateBuilder<HistoryEntry>();
        for (var i = 0; i < layerSizes.Length; i++)
        {
            var bytes = new byte[layerSizes[i]];
            new Random(layerSizes[i] + i).NextBytes(bytes);
            var blob = await Content.WriteAsync(bytes, CancellationToken.None);
            layers.Add(new Descriptor(MediaTypes.OciLayerGzip, blob.Digest, blob.Size));
            diffIds.Add(Digest.Sha256Of(bytes));
            history.Add(new HistoryEntry
            {
                Created = OciTimestamp.FromUnixSeconds(created - 3600 + i),
                CreatedBy = i == 0 ? "/bin/sh -c #(nop) ADD file:4b8dd1e1d9a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8 in / " : $"RUN /bin/sh -c echo step {i} > /step{i} # buildkit",
                Comment = i == 0 ? string.Empty : "buildkit.dockerfile.v0",
            });
        }

        history.Add(new HistoryEntry
        {
            Created = OciTimestamp.FromUnixSeconds(created),
            CreatedBy = "CMD [\"sh\"]",
            Comment = "buildkit.dockerfile.v0",
            EmptyLayer = true,
        });
        var configDocument = OciDocuments.Write(new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Created = OciTimestamp.FromUnixSeconds(created),
            Config = config ?? new ContainerConfig { Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd = ["sh"] },
            History = history.ToImmutable(),
            RootFs = new RootFs { DiffIds = diffIds.ToImmutable() },
        });
        var configBlob = await Content.WriteAsync(configDocument.Raw.AsMemory(), CancellationToken.None);
        var manifestDocument = OciDocuments.Write(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor(MediaTypes.OciConfig, configBlob.Digest, configBlob.Size),
            Layers = layers.ToImmutable(),
        });
        var manifestBlob = await Content.WriteAsync(manifestDocument.Raw.AsMemory(), CancellationToken.None);
        var manifest = new Descriptor(MediaTypes.OciManifest, manifestBlob.Digest, manifestBlob.Size);
        Descriptor? index = null;
        if (withIndex)
        {
            var indexDocument = OciDocuments.Write(new ImageIndex
            {
                MediaType = MediaTypes.OciIndex,
                Manifests = [manifest with { Platform = new OciPlatform("amd64", "linux") }],
            });
            var indexBlob = await Content.WriteAsync(indexDocument.Raw.AsMemory(), CancellationToken.None);
            index = new Descriptor(MediaTypes.OciIndex, indexBlob.Digest, indexBlob.Size);
        }

        await Images.SetAsync(ImageReference.Parse(name), manifest, index, CancellationToken.None);
        return (manifest, configBlob.Digest);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
