using System.Collections.Immutable;
using Kiln.Build.Cache;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Content.Store;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Build.Tests.Adapters;

public sealed class StoreBuildCacheTests : IDisposable
{
    private static readonly ImageConfig Config = new() { Architecture = "amd64", Os = "linux", Config = new ContainerConfig { WorkingDir = "/" } };
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-adapter-cache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static BoundStep Step(string instruction) =>
        DockerfileFrontend.Check("FROM scratch\n" + instruction + "\n", new FrontendOptions(ImmutableDictionary<string, string>.Empty, null)).Definition!.Stages[0].Steps[0];

    private static StepKeyInput Run(string instruction, ImmutableArray<string> env, RunNetwork network = RunNetwork.Host) =>
        new(Step(instruction), Config, env, null, OciPlatform.Host) { Args = ["/bin/sh", "-c", instruction[4..]], Network = network };

    [Fact]
    public void Run_keys_follow_the_command_the_env_and_the_network_and_the_parent()
    {
        var cache = Open();
        var parent = cache.BaseKey(null, OciPlatform.Host);

        var key = cache.StepKey(parent, Run("RUN make", ["A=1"]));

        Assert.Equal(key, cache.StepKey(parent, Run("RUN make", ["A=1"])));
        Assert.NotEqual(key, cache.StepKey(parent, Run("RUN make", ["A=2"])));
        Assert.NotEqual(key, cache.StepKey(parent, Run("RUN make", ["A=1"], RunNetwork.None)));
        Assert.NotEqual(key, cache.StepKey(parent, Run("RUN make all", ["A=1"])));
        Assert.NotEqual(key, cache.StepKey(cache.StepKey(parent, Run("RUN x", [])), Run("RUN make", ["A=1"])));
    }

    [Fact]
    public void A_shebang_script_keys_its_file_not_just_the_path_in_the_argv()
    {
        var cache = Open();
        var parent = cache.BaseKey(null, OciPlatform.Host);
        StepKeyInput Script(string dockerfileRun)
        {
            var step = Step(dockerfileRun);
            var process = Build.Solver.RunArguments.Process((RunInstruction)step.Instruction, Config, out _)!;
            return new StepKeyInput(step, Config, [], null, OciPlatform.Host) { Args = process.Args, Files = process.Files, Network = RunNetwork.Host };
        }

        var key = cache.StepKey(parent, Script("RUN <<EOT\n#!/bin/sh\n\techo one\nEOT"));

        Assert.Equal(key, cache.StepKey(parent, Script("RUN <<EOT\n#!/bin/sh\n\techo one\nEOT")));
        Assert.NotEqual(key, cache.StepKey(parent, Script("RUN <<EOT\n#!/bin/sh\n\techo two\nEOT")));

        // Same heredoc, same argv: only the script (tabs stripped by <<-) differs.
        Assert.NotEqual(key, cache.StepKey(parent, Script("RUN <<-EOT\n#!/bin/sh\n\techo one\nEOT")));
    }

    [Fact]
    public void Copy_keys_follow_the_source_digest_and_workdir_keys_the_directory()
    {
        var cache = Open();
        var parent = cache.BaseKey(null, OciPlatform.Host);
        var copy = Step("COPY a /a");

        var one = cache.StepKey(parent, new StepKeyInput(copy, Config, [], Digest.Sha256Of("1"u8), OciPlatform.Host));
        var two = cache.StepKey(parent, new StepKeyInput(copy, Config, [], Digest.Sha256Of("2"u8), OciPlatform.Host));
        var workdir = Step("WORKDIR /w");
        var w1 = cache.StepKey(parent, new StepKeyInput(workdir, Config, [], null, OciPlatform.Host) { Directory = "/w" });
        var w2 = cache.StepKey(parent, new StepKeyInput(workdir, Config, [], null, OciPlatform.Host) { Directory = "/x" });

        Assert.NotEqual(one, two);
        Assert.NotEqual(w1, w2);
        Assert.Throws<ArgumentException>(() => cache.StepKey(parent, new StepKeyInput(copy, Config, [], null, OciPlatform.Host)));
    }

    [Fact]
    public async Task An_entry_round_trips_with_its_time_and_a_missing_blob_is_a_miss()
    {
        var content = ContentStore.Open(new StoreRoot(_root));
        var cache = Open();
        var info = await content.WriteAsync("layer"u8.ToArray(), CancellationToken.None);
        var layer = LayerRef.Stored(new Descriptor(MediaTypes.OciLayerGzip, info.Digest, info.Size), Digest.Sha256Of("diff"u8));
        var key = Digest.Sha256Of("key"u8);
        var created = DateTimeOffset.FromUnixTimeSeconds(1_650_000_000);

        await cache.StoreAsync(key, new CachedStep(layer, created), CancellationToken.None);
        var hit = await cache.LookupAsync(key, CancellationToken.None);

        Assert.Equal(new CachedStep(layer, created), hit);
        await content.DeleteAsync(info.Digest, CancellationToken.None);
        Assert.Null(await cache.LookupAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_only_entry_hits_while_its_snapshot_is_there_and_records_its_export()
    {
        var content = ContentStore.Open(new StoreRoot(_root));
        var snapshots = SnapshotStore.Open(content.Root);
        var cache = new StoreBuildCache(CacheStore.Open(content), snapshots);
        var name = SnapshotStore.NewName();
        Directory.CreateDirectory(snapshots.LayerDirectory(name));
        var layer = LayerRef.SnapshotOnly(name, 123);
        var key = Digest.Sha256Of("key"u8);
        var created = DateTimeOffset.FromUnixTimeSeconds(1_650_000_000);

        await cache.StoreAsync(key, new CachedStep(layer, created), CancellationToken.None);
        Assert.Equal(new CachedStep(layer, created), await Open().LookupAsync(key, CancellationToken.None));

        // Exported: a later build finds the blob, under the same snapshot.
        var info = await content.WriteAsync("layer"u8.ToArray(), CancellationToken.None);
        var stored = LayerRef.Stored(new Descriptor(MediaTypes.OciLayer, info.Digest, info.Size), Digest.Sha256Of("diff"u8), name);
        await cache.ExportedAsync(stored, CancellationToken.None);
        Assert.Equal(new CachedStep(stored, created), await Open().LookupAsync(key, CancellationToken.None));

        // Without the blob and the snapshot, it misses.
        await cache.StoreAsync(key, new CachedStep(layer, created), CancellationToken.None);
        Directory.Delete(snapshots.LayerDirectory(name));
        Assert.Null(await Open().LookupAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_snapshot_only_entry_from_another_boot_is_a_miss()
    {
        var content = ContentStore.Open(new StoreRoot(_root));
        var snapshots = SnapshotStore.Open(content.Root);
        var name = SnapshotStore.NewName();
        Directory.CreateDirectory(snapshots.LayerDirectory(name));
        await File.WriteAllTextAsync(snapshots.LayerDirectory(name) + ".boot", "00000000-0000-0000-0000-000000000000");
        var key = Digest.Sha256Of("key"u8);

        await Open().StoreAsync(key, new CachedStep(LayerRef.SnapshotOnly(name, 1), DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Null(await Open().LookupAsync(key, CancellationToken.None));
    }

    private StoreBuildCache Open()
    {
        var content = ContentStore.Open(new StoreRoot(_root));
        return new StoreBuildCache(CacheStore.Open(content), SnapshotStore.Open(content.Root));
    }
}
