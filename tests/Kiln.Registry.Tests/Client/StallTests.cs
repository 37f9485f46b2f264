using System.Diagnostics;
using Kiln.Oci;
using Kiln.Registry.Tests.Infrastructure;

namespace Kiln.Registry.Tests.Client;

/// <summary>
/// A registry that stops sending or stops reading, through <see cref="FaultProxy"/>: every read and write has an idle
/// timeout, resumes and retries are bounded, and the error says what stalled. Each test is bounded by a token far
/// above what the bounds allow, so a regression fails instead of hanging.
/// </summary>
public sealed class StallTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>
{
    private static readonly RegistryOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        IdleTimeout = TimeSpan.FromSeconds(1),
        MaxResumes = 3,
    };

    private static CancellationToken Deadline => new CancellationTokenSource(TimeSpan.FromSeconds(40)).Token;

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
    public async Task A_blob_that_stalls_after_every_64_KiB_fails_after_the_bounded_resumes()
    {
        var (blob, _) = await PushBlobAsync("stall/blob", 2 * 1024 * 1024);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.IsBlobGet ? new ProxyFault.Stall(64 * 1024) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        using var into = new MemoryStream();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("stall/blob", blob, into, Deadline));

        Assert.Contains("stalled", error.Message, StringComparison.Ordinal);
        Assert.Contains(blob.Digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + Fast.MaxResumes, proxy.Seen.Count(r => r.IsBlobGet));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_blob_that_stalls_once_resumes_and_arrives_whole()
    {
        var (blob, bytes) = await PushBlobAsync("stall/once", 1024 * 1024);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var gets = 0;
        proxy.Rule = r => r.IsBlobGet && Interlocked.Increment(ref gets) == 1 ? new ProxyFault.Stall(100_000) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        using var into = new MemoryStream();

        await client.GetBlobAsync("stall/once", blob, into, Deadline);

        Assert.Equal(bytes, into.ToArray());
        Assert.Equal(2, gets);
    }

    [Fact]
    public async Task A_slow_trickle_that_never_pauses_for_the_idle_timeout_is_not_a_stall()
    {
        var (blob, bytes) = await PushBlobAsync("stall/trickle", 200_000);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.IsBlobGet ? new ProxyFault.Trickle(20_000, TimeSpan.FromMilliseconds(200)) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        using var into = new MemoryStream();
        var clock = Stopwatch.StartNew();

        await client.GetBlobAsync("stall/trickle", blob, into, Deadline);

        // Longer in all than the idle timeout, yet never idle that long: one request, the whole blob.
        Assert.True(clock.Elapsed > Fast.IdleTimeout, $"took {clock.Elapsed}");
        Assert.Equal(bytes, into.ToArray());
        Assert.Equal(1, proxy.Seen.Count(r => r.IsBlobGet));
    }

    [Fact]
    public async Task A_manifest_whose_body_stalls_fails_naming_the_stall()
    {
        var image = await TestImage.CreateAsync("stall-manifest", layers: 1);
        using (var direct = new RegistryClient(fixture.Registry.Host, Fast))
        {
            await image.PushAsync(direct, "stall/manifest", "v1");
        }

        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.IsManifest ? new ProxyFault.Stall(10) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("stall/manifest", "v1", Deadline));

        Assert.Contains("stalled", error.Message, StringComparison.Ordinal);
        Assert.Contains("stall/manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_the_registry_stops_reading_fails_after_the_bounded_attempts()
    {
        // Larger than what the loopback socket buffers take in before a write blocks.
        var bytes = new byte[48 * 1024 * 1024];
        new Random(7).NextBytes(bytes);
        var blob = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of(bytes), bytes.Length);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.IsUploadPut ? new ProxyFault.StallUpload(256 * 1024) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.UploadBlobAsync("stall/upload", blob, new MemoryStream(bytes), Deadline));

        Assert.Contains("stalled", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        using var direct = new RegistryClient(fixture.Registry.Host, Fast);
        Assert.Null(await direct.HeadBlobAsync("stall/upload", blob.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task An_upload_slower_in_all_than_the_idle_timeout_but_never_idle_succeeds()
    {
        var bytes = new byte[4 * 1024 * 1024];
        new Random(8).NextBytes(bytes);
        var blob = new Descriptor(MediaTypes.OciLayer, Digest.Sha256Of(bytes), bytes.Length);
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        proxy.Rule = r => r.IsUploadPut ? new ProxyFault.TrickleUpload(512 * 1024, TimeSpan.FromMilliseconds(300)) : ProxyFault.Pass;
        using var client = new RegistryClient(proxy.Host, Fast);
        var clock = Stopwatch.StartNew();

        await client.UploadBlobAsync("stall/slow-upload", blob, new MemoryStream(bytes), Deadline);

        Assert.True(clock.Elapsed > Fast.IdleTimeout, $"took {clock.Elapsed}");
        using var direct = new RegistryClient(fixture.Registry.Host, Fast);
        Assert.Equal(bytes.Length, await direct.HeadBlobAsync("stall/slow-upload", blob.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task A_token_endpoint_that_stalls_fails_naming_the_token_endpoint()
    {
        await using var proxy = new FaultProxy(fixture.Registry.Port);
        var realm = $"http://{proxy.Host}/token";
        proxy.Rule = r => r.Path.StartsWith("/token", StringComparison.Ordinal)
            ? new ProxyFault.Stall(0)
            : new ProxyFault.Answer(401, "application/json", """{"errors":[{"code":"UNAUTHORIZED"}]}""", $"WWW-Authenticate: Bearer realm=\"{realm}\",service=\"kiln\"\r\n");
        using var client = new RegistryClient(proxy.Host, Fast);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("stall/token", "v1", Deadline));

        Assert.Contains("token", error.Message, StringComparison.Ordinal);
        Assert.Contains("stalled", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }
}
