using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Kiln.Testing;

/// <summary>
/// Git's smart HTTP on 127.0.0.1: Debian's <c>git http-backend</c> run as a CGI program for each request (as Apache
/// or nginx would run it), serving every repository under <see cref="Root"/>. With <see cref="Authorization"/> set,
/// a request without that exact Authorization header gets 401.
/// </summary>
public sealed class GitHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public GitHttpServer(string root)
    {
        Root = root;
        Port = Tools.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Root { get; }

    public int Port { get; }

    /// <summary>The Authorization header every request must carry; null lets every request in.</summary>
    public string? Authorization { get; set; }

    /// <summary>Each request's method and path, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The URL of <paramref name="repository"/> (a path under <see cref="Root"/>).</summary>
    public string Url(string repository) => $"http://127.0.0.1:{Port}/{repository}";

    public void Dispose()
    {
        _listener.Stop();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            Requests.Enqueue(request.HttpMethod + " " + request.Url!.AbsolutePath);
            if (Authorization is { } expected && request.Headers["Authorization"] != expected)
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"git\"");
                response.Close();
                return;
            }

            await RunBackendAsync(request, response);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or InvalidOperationException)
        {
            response.Abort();
        }
    }

    private async Task RunBackendAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = Root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REQUEST_METHOD"] = request.HttpMethod;
        start.Environment["PATH_INFO"] = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        start.Environment["QUERY_STRING"] = request.Url.Query.TrimStart('?');
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? string.Empty;
        start.Environment["HTTP_GIT_PROTOCOL"] = request.Headers["Git-Protocol"] ?? string.Empty;
        start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers["Content-Encoding"] ?? string.Empty;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["HOME"] = "/dev/null";
        using var backend = Process.Start(start)!;
        var stderr = backend.StandardError.ReadToEndAsync();
        await request.InputStream.CopyToAsync(backend.StandardInput.BaseStream);
        backend.StandardInput.Close();

        // CGI: header lines, a blank line, then the body.
        var output = backend.StandardOutput.BaseStream;
        while (ReadLine(output) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentType = value;
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                response.AddHeader(name, value);
            }
        }

        response.SendChunked = true;
        await output.CopyToAsync(response.OutputStream);
        await backend.WaitForExitAsync();
        await stderr;
        response.Close();
    }

    private static string? ReadLine(Stream stream)
    {
        var line = new StringBuilder();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)b);
        }

        return line.Length > 0 ? line.ToString() : null;
    }
}
