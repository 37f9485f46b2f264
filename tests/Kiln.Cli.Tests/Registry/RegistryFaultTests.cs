using System.Diagnostics;
using System.Text.Json;
using Kiln.Cli.Tests.Build;
using Kiln.Content.Store;
using Kiln.Registry;
using Kiln.Registry.Transport;

namespace Kiln.Cli.Tests.Registry;

/// <summary>
/// <c>kiln pull</c>, <c>kiln push</c> and <c>FROM</c> through a <see cref="FaultProxy"/> in front of docker-registry:
/// each fault ends in a clear error or a successful retry, in bounded time, with a store that holds no corrupt blob, no
/// half-written ingest and no name for an image that did not arrive; then the same command through the healed proxy
/// succeeds. The idle timeout is 1 s here (<see cref="NetworkEnvironment.IdleTimeoutVariable"/>), so each test takes
/// seconds.
/// </summary>
[Collection(RegistryCommandsGroup.Name)]
public sealed class RegistryFaultTests : IClassFixture<BusyboxBase>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PlainRegistry _registry;
    private readonly BusyboxBase _busybox;
    private readonly CliSandbox _sandbox = new();
    private readonly string? _idleBefore = Environment.GetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable);
    private readonly FaultProxy _proxy;

    public RegistryFaultTests(PlainRegistry registry, BusyboxBase busybox)
    {
        _registry = registry;
        _busybox = busybox;
        Environment.SetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable, "1");
        _proxy = new FaultProxy(registry.Server.Port) { HoldLimit = TimeSpan.FromSeconds(20) };
    }

    private FaultProxy Proxy => _proxy;

    public void Dispose()
    {
        _proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Environment.SetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable, _idleBefore);
        _sandbox.Dispose();
    }

    public static TheoryData<string> PullFaults =>
    [
        "stall-every-blob", "reset-once", "truncate-once", "stall-once", "trickle", "corrupt-layer", "500-then-ok", "429-retry-after", "503-always",
        "token-without-token", "token-stalls", "token-500",
    ];

    /// <summary>The rule for a fault, and whether the pull must fail with the given words (null: it succeeds).</summary>
    private (Func<ProxiedRequest, ProxyFault> Rule, string? Error) Fault(string name, SeedImage image)
    {
        var count = 0;
        bool First() => Interlocked.Increment(ref count) == 1;
        var layer = image.Layers[0].Digest.ToString();
        var challenge = $"WWW-Authenticate: Bearer realm=\"http://{Proxy.Host}/token\",service=\"kiln\"\r\n";
        ProxyFault Unauthorized(ProxiedRequest r, ProxyFault token) => r.Path.StartsWith("/token", StringComparison.Ordinal)
            ? token
            : new ProxyFault.Answer(401, "application/json", """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""", challenge);
        return name switch
        {
            "stall-every-blob" => (r => r.IsBlobGet ? new ProxyFault.Stall(1024) : ProxyFault.Pass, "stalled"),
            "reset-once" => (r => r.IsBlobGet && First() ? new ProxyFault.Reset(1000) : ProxyFault.Pass, null),
            "truncate-once" => (r => r.IsBlobGet && First() ? new ProxyFault.Truncate(1000) : ProxyFault.Pass, null),
            "stall-once" => (r => r.IsBlobGet && First() ? new ProxyFault.Stall(1000) : ProxyFault.Pass, null),
            "trickle" => (r => r.IsBlobGet ? new ProxyFault.Trickle(2048, TimeSpan.FromMilliseconds(50)) : ProxyFault.Pass, null),
            "corrupt-layer" => (r => r.IsBlobGet && r.Path.EndsWith(layer, StringComparison.Ordinal) ? new ProxyFault.Corrupt(100) : ProxyFault.Pass, $"expected {layer}"),
            "500-then-ok" => (r => r.IsManifest && First() ? new ProxyFault.Status(500) : ProxyFault.Pass, null),
            "429-retry-after" => (r => r.IsManifest && First() ? new ProxyFault.Status(429, RetryAfter: "1") : ProxyFault.Pass, null),
            "503-always" => (r => r.IsManifest ? new ProxyFault.Status(503) : ProxyFault.Pass, "503"),
            "token-without-token" => (r => Unauthorized(r, new ProxyFault.Answer(200, "application/json", "{}")), "answered without a token"),
            "token-stalls" => (r => Unauthorized(r, new ProxyFault.Stall(0)), "stalled"),
            "token-500" => (r => Unauthorized(r, new ProxyFault.Status(500)), "token request"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such fault"),
        };
    }

    [Theory]
    [MemberData(nameof(PullFaults))]
    public async Task Pull_through_a_fault_fails_clearly_or_retries_and_leaves_a_sound_store(string fault)
    {
        var image = await SeedImage.PushAsync(_registry.Host, $"faults/{fault}", "v1", $"fault-{fault}", layers: 2);
        var (rule, error) = Fault(fault, image);
        Proxy.Rule = rule;
        var reference = $"{Proxy.Host}/faults/{fault}:v1";
        var clock = Stopwatch.StartNew();

        var pull = _sandbox.Run("root", "pull", reference);

        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        if (error is null)
        {
            Assert.True(pull.ExitCode == 0, pull.Error);
            Assert.Equal(image.Config.Digest.ToString(), Id(_sandbox.Run("root", "inspect", reference)));
        }
        else
        {
            Assert.Equal(1, pull.ExitCode);
            Assert.StartsWith("ERROR: kiln pull: ", pull.Error, StringComparison.Ordinal);
            Assert.Contains(error, pull.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", pull.Error, StringComparison.Ordinal);
            Assert.DoesNotContain($"faults/{fault}", _sandbox.Run("root", "images").Output, StringComparison.Ordinal);
        }

        await AssertSoundStoreAsync(_sandbox.Root("root"));

        Proxy.Rule = _ => ProxyFault.Pass;
        var healed = _sandbox.Run("root", "pull", reference);
        Assert.True(healed.ExitCode == 0, healed.Error);
        Assert.Equal(image.Config.Digest.ToString(), Id(_sandbox.Run("root", "inspect", reference)));
        await AssertSoundStoreAsync(_sandbox.Root("root"));
    }

    [Fact]
    public async Task Push_whose_upload_answer_stalls_finds_the_blob_there_and_succeeds()
    {
        var image = await SeedImage.PushAsync(_registry.Host, "faults/push-source", "v1", "fault-push", layers: 2);
        Assert.Equal(0, _sandbox.Run("root", "pull", $"{_registry.Host}/faults/push-source:v1").ExitCode);
        var target = $"{Proxy.Host}/faults/pushed:v1";
        Assert.Equal(0, _sandbox.Run("root", "tag", $"{_registry.Host}/faults/push-source:v1", target).ExitCode);
        var puts = 0;
        Proxy.Rule = r => r.IsUploadPut && Interlocked.Increment(ref puts) == 1 ? new ProxyFault.Stall(0) : ProxyFault.Pass;
        var clock = Stopwatch.StartNew();

        var push = _sandbox.Run("root", "push", target);

        Assert.True(push.ExitCode == 0, push.Error);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.EndsWith($"v1: digest: {image.Manifest.Digest} size: {image.Manifest.Size}\n", push.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_against_a_registry_that_refuses_the_manifest_fails_in_bounded_time_and_tags_nothing()
    {
        await SeedImage.PushAsync(_registry.Host, "faults/refused-source", "v1", "fault-refused", layers: 1);
        Assert.Equal(0, _sandbox.Run("root", "pull", $"{_registry.Host}/faults/refused-source:v1").ExitCode);
        var target = $"{Proxy.Host}/faults/refused:v1";
        Assert.Equal(0, _sandbox.Run("root", "tag", $"{_registry.Host}/faults/refused-source:v1", target).ExitCode);
        Proxy.Rule = r => r.Method == "PUT" && r.IsManifest ? new ProxyFault.Status(503) : ProxyFault.Pass;
        var clock = Stopwatch.StartNew();

        var push = _sandbox.Run("root", "push", target);

        Assert.Equal(1, push.ExitCode);
        Assert.Contains("503", push.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        using (var client = new RegistryClient(_registry.Host))
        {
            Assert.Null(await client.HeadManifestAsync("faults/refused", "v1", CancellationToken.None));
        }

        Proxy.Rule = _ => ProxyFault.Pass;
        var healed = _sandbox.Run("root", "push", target);
        Assert.True(healed.ExitCode == 0, healed.Error);
    }

    [Fact]
    public void From_through_a_stalling_registry_fails_at_the_from_line_and_builds_once_it_heals()
    {
        using var source = new BuildWorkspace(_busybox);
        var direct = $"{_registry.Host}/faults/base:1";
        var push = source.Kiln("push", BuildWorkspace.Busybox, direct);
        Assert.True(push.ExitCode == 0, push.Error);
        var remote = $"{Proxy.Host}/faults/base:1";
        using var w = new BuildWorkspace(_busybox);
        w.Write("Dockerfile", $"FROM {remote}\nRUN echo built > /built\n");
        Proxy.Rule = r => r.IsBlobGet ? new ProxyFault.Stall(1024) : ProxyFault.Pass;
        var clock = Stopwatch.StartNew();

        var failed = w.Kiln("build", "--progress", "plain", "-t", "from-faulty:1", w.Context);

        Assert.Equal(1, failed.ExitCode);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.Contains("Dockerfile:1", failed.Error, StringComparison.Ordinal);
        Assert.Contains("stalled", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("faults/base", w.Kiln("images").Output, StringComparison.Ordinal);

        Proxy.Rule = r => r.IsBlobGet && r.Range is null ? new ProxyFault.Reset(100_000) : ProxyFault.Pass;
        w.Build("-t", "from-faulty:1");
        Assert.Equal("built\n", w.Kiln("run", "--rm", "from-faulty:1", "cat", "/built").Output);
    }

    private static string Id(CliRun inspect)
    {
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        return JsonDocument.Parse(inspect.Output).RootElement[0].GetProperty("Id").GetString()!;
    }

    /// <summary>Every blob reads back under its digest (the store verifies on read) and no ingest is left half-written.</summary>
    private static async Task AssertSoundStoreAsync(string root)
    {
        var content = ContentStore.Open(new StoreRoot(root));
        await foreach (var blob in content.ListAsync(CancellationToken.None))
        {
            var stream = await content.OpenReadAsync(blob.Digest, CancellationToken.None);
            await using (stream)
            {
                await stream.CopyToAsync(Stream.Null);
            }
        }

        Assert.Empty(Directory.Exists(content.Root.IngestPath) ? Directory.EnumerateFileSystemEntries(content.Root.IngestPath) : []);
    }
}
