using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>Images by reference, each with one layer and the given Env.</summary>
internal sealed class FakeImageSource : IImageSource
{
    private readonly ConcurrentDictionary<string, BaseImage> _images = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Reference, bool Pull)> Resolved { get; } = new();

    public void Add(string reference, params string[] env)
    {
        var diffId = Digest.Sha256Of(Encoding.UTF8.GetBytes("layer of " + reference));
        var layer = LayerRef.Stored(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(Encoding.UTF8.GetBytes("blob of " + reference)), 5_000_000), diffId);
        var config = new ImageConfig
        {
            Architecture = OciPlatform.Host.Architecture,
            Os = "linux",
            Config = new ContainerConfig { Env = [.. env] },
            RootFs = new RootFs { DiffIds = [diffId] },
            History = [],
        };
        _images[reference] = new BaseImage($"docker.io/library/{reference}:latest", Digest.Sha256Of(Encoding.UTF8.GetBytes("manifest of " + reference)), config, [layer]);
    }

    public void SetOnBuild(string reference, params string[] triggers)
    {
        var image = _images[reference];
        _images[reference] = image with { Config = image.Config with { Config = image.Config.Config with { OnBuild = [.. triggers] } } };
    }

    public Task<BaseImage> ResolveAsync(string reference, OciPlatform platform, bool alwaysPull, CancellationToken cancellationToken)
    {
        Resolved.Enqueue((reference, alwaysPull));
        return _images.TryGetValue(reference, out var image)
            ? Task.FromResult(image)
            : Task.FromException<BaseImage>(new InvalidOperationException($"pull access denied for {reference}, repository does not exist"));
    }
}
