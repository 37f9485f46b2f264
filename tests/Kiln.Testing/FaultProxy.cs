using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kiln.Testing;

/// <summary>
/// An HTTP/1.1 proxy on 127.0.0.1 in front of a real server (docker-registry, a web server) that injects real network
/// faults per request (<see cref="ProxyFault"/>): resets, clean closes and stalls mid-body, a stalled upload, a slow
/// trickle, a corrupted byte, 5xx and 429 answers, answers of its own. Every forwarded request goes upstream with
/// <c>Connection: close</c>, so each connection carries one exchange and the response can be piped without parsing
/// its framing. A held connection is let go when the client hangs up, after <see cref="HoldLimit"/>, or on dispose.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FaultProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Decides each request's fault; called once per request, in arrival order.</summary>
    public Func<ProxiedRequest, ProxyFault> Rule { get; set; } = _ => ProxyFault.Pass;

    public ConcurrentQueue<ProxiedRequest> Seen { get; } = new();

    /// <summary>The longest a stalled exchange is held open when the client does not hang up.</summary>
    public TimeSpan HoldLimit { get; set; } = TimeSpan.FromSeconds(60);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping ends the accept loop this way.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await ExchangeAsync(client);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // A peer went away; that is what this proxy is for.
            }
        }
    }

    private async Task ExchangeAsync(TcpClient client)
    {
        var clientStream = client.GetStream();
        var buffer = new byte[64 * 1024];
        var filled = 0;
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer, filled)) < 0)
        {
            if (filled == buffer.Length)
            {
                return;
            }

            var read = await clientStream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
            if (read == 0 || !char.IsAsciiLetterUpper((char)buffer[0]))
            {
                // Closed, or not HTTP at all (a TLS hello from an https probe): hang up like a plain http server would.
                return;
            }

            filled += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var range = Header(lines, "Range");
        var request = new ProxiedRequest(requestLine[0], requestLine[1], range);
        Seen.Enqueue(request);
        var fault = Rule(request);

        switch (fault)
        {
            case ProxyFault.Status status:
                var json = $$"""{"errors":[{"code":"INJECTED","message":"fault proxy answered {{status.Code}}"}]}""";
                var extra = status.RetryAfter is null ? string.Empty : $"Retry-After: {status.RetryAfter}\r\n";
                await AnswerAsync(clientStream, status.Code, "application/json", json, extra);
                return;
            case ProxyFault.Answer answer:
                await AnswerAsync(clientStream, answer.Code, answer.ContentType, answer.Body, answer.Headers);
                return;
        }

        var forwarded = new StringBuilder().Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)
                || (fault is ProxyFault.StripRange && line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            forwarded.Append(line).Append("\r\n");
        }

        forwarded.Append("Connection: close\r\n\r\n");

        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
        var upstreamStream = upstream.GetStream();
        await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()), _stop.Token);
        var bodyStart = buffer.AsMemory(headEnd + 4, filled - headEnd - 4);

        if (fault is ProxyFault.StallUpload stallUpload)
        {
            await ForwardUploadPrefixAsync(clientStream, upstreamStream, bodyStart, stallUpload.AfterBodyBytes);

            // Read nothing more: the client's writes fill the socket buffers and then block.
            await HoldAsync(Task.Delay(Timeout.Infinite, _stop.Token));
            return;
        }

        await upstreamStream.WriteAsync(bodyStart, _stop.Token);
        var length = long.TryParse(Header(lines, "Content-Length"), CultureInfo.InvariantCulture, out var declared) ? declared - bodyStart.Length : long.MaxValue;
        var upload = PumpAsync(clientStream, upstreamStream, fault as ProxyFault.TrickleUpload, length);
        await RelayResponseAsync(client, clientStream, upstreamStream, fault, upload);
    }

    private async Task RelayResponseAsync(TcpClient client, NetworkStream clientStream, NetworkStream upstreamStream, ProxyFault fault, Task upload)
    {
        var limit = fault switch
        {
            ProxyFault.Reset reset => reset.AfterBodyBytes,
            ProxyFault.Truncate truncate => truncate.AfterBodyBytes,
            ProxyFault.Stall stall => stall.AfterBodyBytes,
            _ => long.MaxValue,
        };
        var response = new byte[64 * 1024];
        var head = new List<byte>();
        var headSeen = false;
        long body = 0;
        while (true)
        {
            var read = await upstreamStream.ReadAsync(response, _stop.Token);
            if (read == 0)
            {
                break;
            }

            var offset = 0;
            if (!headSeen)
            {
                head.AddRange(response.AsSpan(0, read));
                var end = IndexOfHeadEnd([.. head], head.Count);
                if (end < 0)
                {
                    await clientStream.WriteAsync(response.AsMemory(0, read), _stop.Token);
                    continue;
                }

                headSeen = true;
                offset = read - (head.Count - (end + 4));
                await clientStream.WriteAsync(response.AsMemory(0, offset), _stop.Token);
            }

            var chunk = response.AsMemory(offset, read - offset);
            if (fault is ProxyFault.Corrupt corrupt && corrupt.AtBodyByte >= body && corrupt.AtBodyByte < body + chunk.Length)
            {
                chunk.Span[(int)(corrupt.AtBodyByte - body)] ^= 0xff;
            }

            if (body + chunk.Length >= limit)
            {
                await clientStream.WriteAsync(chunk[..(int)(limit - body)], _stop.Token);
                await clientStream.FlushAsync(_stop.Token);
                await EndFaultAsync(client, fault, upload);
                return;
            }

            if (fault is ProxyFault.Trickle trickle)
            {
                for (var at = 0; at < chunk.Length; at += trickle.ChunkBytes)
                {
                    await clientStream.WriteAsync(chunk.Slice(at, Math.Min(trickle.ChunkBytes, chunk.Length - at)), _stop.Token);
                    await Task.Delay(trickle.Pause, _stop.Token);
                }
            }
            else
            {
                await clientStream.WriteAsync(chunk, _stop.Token);
            }

            body += chunk.Length;
        }

        client.Client.Shutdown(SocketShutdown.Send);
        await Task.WhenAny(upload, Task.Delay(1000, _stop.Token));
    }

    private async Task EndFaultAsync(TcpClient client, ProxyFault fault, Task upload)
    {
        switch (fault)
        {
            case ProxyFault.Reset:
                // A reset, not a clean close: the client must see a dropped connection mid-body.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                break;
            case ProxyFault.Truncate:
                client.Client.Shutdown(SocketShutdown.Send);
                client.Client.Close();
                break;
            default:
                // A stall: the connection stays open and silent until the client gives up (its request is
                // fully sent, so the pump ends only when the client hangs up).
                await HoldAsync(upload);
                break;
        }
    }

    private async Task HoldAsync(Task until)
    {
        try
        {
            await Task.WhenAny(until, Task.Delay(HoldLimit, _stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Disposed while holding.
        }
    }

    private async Task ForwardUploadPrefixAsync(NetworkStream clientStream, NetworkStream upstreamStream, ReadOnlyMemory<byte> bodyStart, long limit)
    {
        var first = bodyStart[..(int)Math.Min(bodyStart.Length, limit)];
        await upstreamStream.WriteAsync(first, _stop.Token);
        var sent = (long)first.Length;
        var buffer = new byte[16 * 1024];
        while (sent < limit)
        {
            var read = await clientStream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), _stop.Token);
            if (read == 0)
            {
                return;
            }

            await upstreamStream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            sent += read;
        }
    }

    private async Task AnswerAsync(NetworkStream clientStream, int code, string contentType, string body, string extraHeaders)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {code} Injected\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n{extraHeaders}\r\n");
        await clientStream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        await clientStream.WriteAsync(bytes, _stop.Token);
    }

    /// <summary>Copies the client's request body upstream; a trickle reads whole pieces of what <paramref name="remaining"/> says is left.</summary>
    private async Task PumpAsync(Stream from, Stream to, ProxyFault.TrickleUpload? trickle, long remaining)
    {
        var buffer = new byte[trickle?.ChunkBytes ?? 64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAtLeastAsync(buffer, trickle is null ? 1 : (int)Math.Clamp(remaining, 1, buffer.Length), throwOnEndOfStream: false, _stop.Token)) > 0)
            {
                remaining -= read;
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                if (trickle is not null)
                {
                    await Task.Delay(trickle.Pause, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The exchange ended.
        }
    }

    private static string? Header(string[] lines, string name) =>
        lines.Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    private static int IndexOfHeadEnd(byte[] data, int length) => data.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
}
