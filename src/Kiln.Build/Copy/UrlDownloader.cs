using System.Collections.Immutable;
using System.Net;
using Kiln.Build.Ports;
using Kiln.Content.IO;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Build.Copy;

/// <summary>
/// Downloads ADD's http(s) sources as BuildKit's http source does: each into a file named after the last segment of
/// the URL's path ("__unnamed__" when there is none), mode 0600 and owned by root, with the Last-Modified time when
/// the server sends one and 1970-01-01 when it does not; a non-2xx answer and a body that does not match
/// <c>--checksum</c> are errors.
/// </summary>
public static class UrlDownloader
{
    private const string Unnamed = "__unnamed__";

    // One client for the process: connections are reused and proxies come from HTTP_PROXY/HTTPS_PROXY/NO_PROXY.
    // Go's transport asks for gzip and decodes it itself, and so does this.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<IDownloadedSources> DownloadAsync(ImmutableArray<string> urls, string? checksum, CancellationToken cancellationToken)
    {
        Digest? expected = null;
        if (checksum is not null)
        {
            expected = Digest.TryParse(checksum, out var parsed, out var error) ? parsed : throw new CopyException($"ADD --checksum={checksum}: {error}");
        }

        var root = Directory.CreateTempSubdirectory("kiln-add-").FullName;
        var download = new Download(root);
        try
        {
            var sources = ImmutableArray.CreateBuilder<string>(urls.Length);
            for (var i = 0; i < urls.Length; i++)
            {
                // A directory per URL: two URLs may end in the same name.
                var directory = Directory.CreateDirectory(Path.Combine(root, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                var name = FileName(urls[i]);
                await FetchAsync(urls[i], Path.Combine(directory.FullName, name), expected, cancellationToken).ConfigureAwait(false);
                sources.Add(directory.Name + "/" + EscapeWildcards(name));
            }

            download.Sources = sources.MoveToImmutable();
            return download;
        }
        catch
        {
            await download.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Go's <c>path.Base</c> of the URL's (unescaped) path, or "__unnamed__" for "/" and ".".</summary>
    internal static string FileName(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Uri.UnescapeDataString(uri.AbsolutePath) : string.Empty;
        var name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name is "" or "." or ".." ? Unnamed : name;
    }

    private static async Task FetchAsync(string url, string file, Digest? expected, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("ADD downloads for Linux images only");
        }

        using var response = await SendAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CopyException($"ADD {url}: invalid response status {(int)response.StatusCode} ({response.ReasonPhrase})");
        }

        using var hash = DigestHasher.Create(expected?.Algorithm ?? "sha256");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        await using (var output = new FileStream(file, options))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        var actual = hash.Finish();
        if (expected is { } digest && actual != digest)
        {
            throw new CopyException($"ADD {url}: the download's digest is {actual}, not the {digest} --checksum asks for");
        }

        // The umask may have taken bits off; BuildKit's file is exactly 0600.
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var modified = (response.Content.Headers.LastModified ?? DateTimeOffset.UnixEpoch).UtcDateTime;
        File.SetLastWriteTimeUtc(file, modified);
        File.SetLastAccessTimeUtc(file, modified);
    }

    private static async Task<HttpResponseMessage> SendAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CopyException($"ADD {url}: {e.Message}", e);
        }
    }

    private static string EscapeWildcards(string name) =>
        string.Concat(name.Select(c => c is '*' or '?' or '[' or '\\' ? "\\" + c : c.ToString()));

    private sealed class Download(string root) : IDownloadedSources
    {
        public string Root { get; } = root;

        public ImmutableArray<string> Sources { get; set; } = [];

        public ValueTask DisposeAsync()
        {
            DirectoryTree.Remove(Root);
            return ValueTask.CompletedTask;
        }
    }
}
