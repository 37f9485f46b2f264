using System.Collections.Immutable;
using System.Net;
using Kiln.Build.Ports;
using Kiln.Content.IO;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Transport;

namespace Kiln.Build.Copy;

/// <summary>
/// Downloads ADD's http(s) sources as BuildKit's http source does: each into a file named after the last segment of
/// the URL's path ("__unnamed__" when there is none), mode 0600 and owned by root, with the Last-Modified time when
/// the server sends one and 1970-01-01 when it does not; a non-2xx answer and a body that does not match
/// <c>--checksum</c> are errors. Redirects are followed as Go's client follows them, at most 10 and only to http
/// and https, and every read and write has the registry client's idle timeout
/// (<see cref="NetworkEnvironment.IdleTimeoutVariable"/>).
/// </summary>
public static class UrlDownloader
{
    private const string Unnamed = "__unnamed__";

    // Go's http.Client gives up after 10 redirects (net/http's defaultCheckRedirect).
    private const int MaxRedirects = 10;

    public static async Task<IDownloadedSources> DownloadAsync(ImmutableArray<string> urls, string? checksum, CancellationToken cancellationToken)
    {
        Digest? expected = null;
        if (checksum is not null)
        {
            expected = Digest.TryParse(checksum, out var parsed, out var error) ? parsed : throw new CopyException($"ADD --checksum={checksum}: {error}");
        }

        // A client per ADD: its idle timeout is read from the environment now. Proxies come from
        // HTTP_PROXY/HTTPS_PROXY/NO_PROXY; Go's transport asks for gzip and decodes it itself, and so does this.
        using var client = new HttpClient(new IdleTimeoutHandler(NetworkEnvironment.IdleTimeout())
        {
            InnerHandler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip, AllowAutoRedirect = false },
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
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
                await FetchAsync(client, urls[i], Path.Combine(directory.FullName, name), expected, cancellationToken).ConfigureAwait(false);
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

    private static async Task FetchAsync(HttpClient client, string url, string file, Digest? expected, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("ADD downloads for Linux images only");
        }

        using var response = await SendAsync(client, url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CopyException($"ADD {url}: invalid response status {(int)response.StatusCode} ({response.ReasonPhrase})");
        }

        using var hash = DigestHasher.Create(expected?.Algorithm ?? "sha256");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var output = new FileStream(file, options);
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpRequestException or NetworkStalledException or HttpIOException && !cancellationToken.IsCancellationRequested)
        {
            throw new CopyException($"ADD {url}: {NetworkStalledException.MessageOf(e)}", e);
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

    /// <summary>GET with redirects followed here rather than by the handler, so that a refused one can say why.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string url, CancellationToken cancellationToken)
    {
        var target = new Uri(url);
        for (var redirects = 0; ; redirects++)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or NetworkStalledException && !cancellationToken.IsCancellationRequested)
            {
                throw new CopyException($"ADD {url}: {NetworkStalledException.MessageOf(e)}", e);
            }

            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || !response.Headers.TryGetValues("Location", out var values))
            {
                return response;
            }

            response.Dispose();
            var location = values.FirstOrDefault() ?? string.Empty;
            if (!Uri.TryCreate(target, location, out var next) || next.Scheme is not ("http" or "https"))
            {
                throw new CopyException($"ADD {url}: refused the redirect to {location}: only http and https redirects are followed");
            }

            if (redirects == MaxRedirects)
            {
                throw new CopyException($"ADD {url}: stopped after {MaxRedirects} redirects");
            }

            target = next;
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
