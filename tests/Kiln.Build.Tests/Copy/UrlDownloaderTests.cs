using System.Diagnostics;
using Kiln.Build.Copy;
using Kiln.Oci;
using Kiln.Registry.Transport;

namespace Kiln.Build.Tests.Copy;

public sealed class UrlDownloaderTests : IDisposable
{
    private readonly LocalWebServer _web = new();

    public void Dispose() => _web.Dispose();

    [Theory]
    [InlineData("http://h/a/b.tar.gz", "b.tar.gz")]
    [InlineData("http://h/dir/", "dir")]
    [InlineData("http://h/a%20b.txt?x=1#frag", "a b.txt")]
    [InlineData("http://h/", "__unnamed__")]
    [InlineData("http://h", "__unnamed__")]
    public void The_file_is_named_after_the_last_segment_of_the_path(string url, string name) =>
        Assert.Equal(name, UrlDownloader.FileName(url));

    [Fact]
    public async Task A_download_is_a_0600_file_with_the_servers_time_or_1970_and_goes_away_on_dispose()
    {
        var modified = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        _web.Files["/tools/run[1].sh"] = ("#!/bin/sh\n"u8.ToArray(), modified);
        _web.Files["/other/run[1].sh"] = ("other\n"u8.ToArray(), null);

        string root;
        await using (var download = await UrlDownloader.DownloadAsync([_web.Url("/tools/run%5B1%5D.sh"), _web.Url("/other/run[1].sh")], null, CancellationToken.None))
        {
            root = download.Root;
            Assert.Equal(["0/run\\[1].sh", "1/run\\[1].sh"], download.Sources.ToArray());
            var file = Path.Combine(root, "0", "run[1].sh");
            Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(file));
            Assert.Equal("600", Convert.ToString((int)new FileInfo(file).UnixFileMode, 8));
            Assert.Equal(modified.UtcDateTime, File.GetLastWriteTimeUtc(file));
            Assert.Equal("other\n", await File.ReadAllTextAsync(Path.Combine(root, "1", "run[1].sh")));
            Assert.Equal(DateTime.UnixEpoch, File.GetLastWriteTimeUtc(Path.Combine(root, "1", "run[1].sh")));
        }

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task A_checksum_is_checked_and_a_mismatch_names_both_digests()
    {
        _web.Files["/a.txt"] = ("a\n"u8.ToArray(), null);
        var right = Digest.Sha256Of("a\n"u8);
        var wrong = Digest.Sha256Of("b\n"u8);

        await using (var download = await UrlDownloader.DownloadAsync([_web.Url("/a.txt")], right.ToString(), CancellationToken.None))
        {
            Assert.Single(download.Sources);
        }

        var error = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([_web.Url("/a.txt")], wrong.ToString(), CancellationToken.None));
        Assert.Equal($"ADD {_web.Url("/a.txt")}: the download's digest is {right}, not the {wrong} --checksum asks for", error.Message);
    }

    [Fact]
    public async Task A_missing_file_or_no_server_is_an_error_that_names_the_url_and_leaves_nothing()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "kiln-add-*").Length;

        var gone = _web.Url("/gone");
        var missing = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([gone], null, CancellationToken.None));
        var url = _web.Url("/x");
        _web.Dispose();
        var refused = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([url], null, CancellationToken.None));

        Assert.Equal($"ADD {gone}: invalid response status 404 (Not Found)", missing.Message);
        Assert.StartsWith($"ADD {url}: Connection refused", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "kiln-add-*").Length);
    }

    [Fact]
    public async Task Redirects_are_followed_within_http_and_https_only_and_a_refused_one_says_why()
    {
        _web.Files["/real.txt"] = ("real\n"u8.ToArray(), null);
        _web.Redirects["/hop"] = _web.Url("/real.txt");
        _web.Redirects["/shadow"] = "file:///etc/shadow";
        _web.Redirects["/loop"] = _web.Url("/loop");

        await using (var download = await UrlDownloader.DownloadAsync([_web.Url("/hop")], null, CancellationToken.None))
        {
            Assert.Equal("real\n", await File.ReadAllTextAsync(Path.Combine(download.Root, "0", "hop")));
        }

        var shadow = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([_web.Url("/shadow")], null, CancellationToken.None));
        Assert.Equal($"ADD {_web.Url("/shadow")}: refused the redirect to file:///etc/shadow: only http and https redirects are followed", shadow.Message);

        var loop = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([_web.Url("/loop")], null, CancellationToken.None));
        Assert.Equal($"ADD {_web.Url("/loop")}: stopped after 10 redirects", loop.Message);
        Assert.Equal(1 + 10, _web.Requests.Count(r => r == "/loop"));
    }

    [Fact]
    public async Task A_server_that_stalls_mid_body_or_cuts_it_short_is_a_clear_error_in_bounded_time()
    {
        var body = new byte[512 * 1024];
        new Random(3).NextBytes(body);
        _web.Files["/big.bin"] = (body, null);
        await using var proxy = new FaultProxy(_web.Port);
        var url = $"http://{proxy.Host}/big.bin";
        var before = Environment.GetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable);
        Environment.SetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable, "1");
        try
        {
            proxy.Rule = _ => new ProxyFault.Stall(64 * 1024);
            var clock = Stopwatch.StartNew();
            var stalled = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([url], null, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
            Assert.StartsWith($"ADD {url}: GET {url} stalled: no data moved for 1 s", stalled.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

            proxy.Rule = _ => new ProxyFault.Truncate(100_000);
            var truncated = await Assert.ThrowsAsync<CopyException>(() => UrlDownloader.DownloadAsync([url], null, CancellationToken.None));
            Assert.StartsWith($"ADD {url}: ", truncated.Message, StringComparison.Ordinal);
            Assert.Contains("ended prematurely", truncated.Message, StringComparison.Ordinal);

            proxy.Rule = _ => new ProxyFault.Trickle(64 * 1024, TimeSpan.FromMilliseconds(150));
            await using var slow = await UrlDownloader.DownloadAsync([url], null, CancellationToken.None);
            Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(slow.Root, "0", "big.bin")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(NetworkEnvironment.IdleTimeoutVariable, before);
        }
    }
}
