using System.Collections.Immutable;
using Kiln.Build.Cache;
using Kiln.Build.Context;
using Kiln.Build.Export;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Build.Solver;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Tests.EndToEnd;

/// <summary>The engine's real adapters, composed as the CLI composes them, for end-to-end tests (as root).</summary>
internal static class RealPorts
{
    public static async Task<BuildPorts> ComposeAsync(ImageStore images, string context, ImageReference name)
    {
        var content = images.Content;
        var snapshots = SnapshotStore.Open(content.Root);
        return new BuildPorts(
            new StoreImageSource(images),
            new SandboxSnapshotter(snapshots, content),
            new SandboxExecutor(new ContainerRunner(OciRuntime.Locate(null)), CacheMountStore.Open(content.Root)),
            new SandboxDiffer(snapshots, content),
            new ContextFileOperations(await BuildContext.OpenAsync(context, CancellationToken.None), null, null),
            new ConfigBuilderConfigurator(ImmutableDictionary<string, string>.Empty),
            new StoreBuildCache(CacheStore.Open(content), snapshots),
            new StoreImageExporter(content, new ImageExporter(images), [], [name], null))
        {
            Git = new GitSources(),
        };
    }

    /// <summary>Under <paramref name="root"/>: an empty build context directory and an image store.</summary>
    public static (string Context, ContentStore Content, ImageStore Images) Workspace(string root)
    {
        var context = Path.Combine(root, "context");
        Directory.CreateDirectory(context);
        var content = ContentStore.Open(new StoreRoot(Path.Combine(root, "store")));
        return (context, content, ImageStore.Open(content));
    }

    /// <summary>A build of <paramref name="dockerfile"/> with no build args, the cache on, the default network.</summary>
    public static BuildRequest Request(string dockerfile) => new(
        dockerfile,
        new FrontendOptions(ImmutableDictionary<string, string>.Empty, null),
        NoCache: false,
        Pull: false,
        SourceDateEpoch: null,
        ImmutableSortedDictionary<string, string>.Empty,
        RunNetwork.Default);
}
