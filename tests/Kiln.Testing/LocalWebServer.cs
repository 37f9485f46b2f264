using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kiln.Testing;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 for ADD's downloads: GET of a path it holds answers 200 with the body (and a
/// Last-Modified when one is set), a path in <see cref="Redirects"/> answers 302 to its location, and any other path
/// answers 404. One request per connection.
/// </summary>
public sealed class LocalWebServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LocalWebServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Path (starting with "/") to body and optional Last-Modified time.</summary>
    public ConcurrentDictionary<string, (byte[] Body, DateTimeOffset? LastModified)> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Path (starting with "/") to the Location a 302 answer sends, taken as it is (any scheme).</summary>
    public ConcurrentDictionary<string, string> Redirects { get; } = new(StringComparer.Ordinal);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The paths asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync() ?? string.Empty;
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
            }

            var path = requestLine.Split(' ') is [_, var target, ..] ? Uri.UnescapeDataString(target) : "/";
            Requests.Enqueue(path);
            var head = new StringBuilder();
            byte[] body;
            if (Redirects.TryGetValue(path, out var location))
            {
                head.Append("HTTP/1.1 302 Found\r\nLocation: ").Append(location).Append("\r\n");
                body = [];
            }
            else if (Files.TryGetValue(path, out var file))
            {
                head.Append("HTTP/1.1 200 OK\r\n");
                if (file.LastModified is { } modified)
                {
                    head.Append("Last-Modified: ").Append(modified.UtcDateTime.ToString("R", CultureInfo.InvariantCulture)).Append("\r\n");
                }

                body = file.Body;
            }
            else
            {
                head.Append("HTTP/1.1 404 Not Found\r\n");
                body = "not found\n"u8.ToArray();
            }

            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(body);
        }
    }
}
