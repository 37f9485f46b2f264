using System.Diagnostics;
using Kiln.Oci;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Client;

/// <summary>Real connection resets and error answers between the client and a real registry, through <see cref="FaultProxy"/>.</summary>
public sealed class FaultInjectionTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>
{
    private static readonly RegistryOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    private async Task<(Descriptor Blob, byte[] Bytes)> PushBlobAsync(string repository, int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of(bytes), size);
        using var client = new RegistryClient(fixture.Registry.Host, Fast);
        using var source = new MemoryStream(bytes);
        await client.UploadBlobAsync(repository, descriptor, source, CancellationToken.None);
        return (descriptor, bytes);
    }

    [Fact]
    public async Task A_blob_download_cut_mid_body_resumes_with_a_range_request()
    {
        var (blob, bytes) = await PushBlobAsync("kiln/resume", 3 * 1024 * 1024);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var blobGets = 0;
        proxy.Rule = r => r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal) && Interlocked.Increment(ref blobGets) <= 2
            ? new ProxyFault.Reset(1024 * 1024)
            : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        using var into = new MemoryStream();
        await client.GetBlobAsync("kiln/resume", blob, into, CancellationToken.None);
        Assert.Equal(bytes, into.ToArray());
        var ranges = proxy.Seen.Where(r => r.Path.Contains("/blobs/", StringComparison.Ordinal)).Select(r => r.Range).ToList();

        // A reset discards what the kernel had not yet handed over, so the resume points are at most the cut points.
        Assert.Equal(3, ranges.Count);
        Assert.Null(ranges[0]);
        var first = ParseRangeStart(ranges[1]);
        var second = ParseRangeStart(ranges[2]);
        Assert.InRange(first, 1, 1024 * 1024);
        Assert.InRange(second, first + 1, first + (1024 * 1024));
    }

    private static long ParseRangeStart(string? range)
    {
        Assert.NotNull(range);
        Assert.StartsWith("bytes=", range, StringComparison.Ordinal);
        Assert.EndsWith("-", range, StringComparison.Ordinal);
        return long.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_server_that_ignores_range_gets_a_restart_and_the_blob_is_still_exact()
    {
        var (blob, bytes) = await PushBlobAsync("kiln/norange", 2 * 1024 * 1024);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var blobGets = 0;
        proxy.Rule = r => !(r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal))
            ? ProxyFault.Pass
            : Interlocked.Increment(ref blobGets) == 1 ? new ProxyFault.Reset(700_000) : new ProxyFault.StripRange();
        using var client = new RegistryClient(proxy.Host, Fast);
        using var into = new MemoryStream();
        await client.GetBlobAsync("kiln/norange", blob, into, CancellationToken.None);
        Assert.Equal(bytes, into.ToArray());
        Assert.Equal(2, blobGets);
    }

    [Fact]
    public async Task A_500_then_a_429_with_retry_after_are_retried()
    {
        var image = await TestImage.CreateAsync("retry", layers: 1);
        using (var direct = new RegistryClient(fixture.Registry.Host, Fast))
        {
            await image.PushAsync(direct, "kiln/retry", "v1");
        }

        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var manifestGets = 0;
        proxy.Rule = r => r.Method != "GET" || !r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? ProxyFault.Pass
            : Interlocked.Increment(ref manifestGets) switch
            {
                1 => new ProxyFault.Status(500),
                2 => new ProxyFault.Status(429, RetryAfter: "1"),
                _ => ProxyFault.Pass,
            };
        using var client = new RegistryClient(proxy.Host, Fast);
        var clock = Stopwatch.StartNew();
        var manifest = await client.GetManifestAsync("kiln/retry", "v1", CancellationToken.None);
        Assert.Equal(image.Manifest.Digest, manifest.Descriptor.Digest);
        Assert.Equal(3, manifestGets);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After was not honoured: {clock.Elapsed}");
    }

    [Fact]
    public async Task A_registry_that_keeps_failing_gives_up_after_the_bounded_attempts_naming_its_error()
    {
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.Path.Contains("/manifests/", StringComparison.Ordinal) ? new ProxyFault.Status(503) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast with { MaxAttempts = 3 });
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("kiln/down", "v1", CancellationToken.None));
        Assert.Contains("INJECTED", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Seen.Count(r => r.Path.Contains("/manifests/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_connection_that_drops_before_any_byte_every_time_fails_cleanly()
    {
        var (blob, _) = await PushBlobAsync("kiln/dead", 100_000);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.Path.Contains("/blobs/", StringComparison.Ordinal) ? new ProxyFault.Reset(0) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast with { MaxAttempts = 3 });
        using var into = new MemoryStream();
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("kiln/dead", blob, into, CancellationToken.None));
        Assert.Contains("kept dropping", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, into.Length);
    }
}
