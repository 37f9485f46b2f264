using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>What the proxy does with one request.</summary>
internal abstract record Fault
{
    public static Fault Pass { get; } = new PassFault();

    private sealed record PassFault : Fault;
}

/// <summary>Answer with this status (and a distribution error body) instead of forwarding.</summary>
internal sealed record StatusFault(int Status, string? RetryAfter = null) : Fault;

/// <summary>Forward, but reset the connection after this many response body bytes.</summary>
internal sealed record CutFault(long AfterBodyBytes) : Fault;

/// <summary>Forward without the Range header, like a server that does not support ranges.</summary>
internal sealed record StripRangeFault : Fault;

internal sealed record ProxiedRequest(string Method, string Path, string? Range);

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a registry that injects real network faults: resets mid-body, 5xx and 429
/// answers, ignored ranges. Every forwarded request is sent upstream with <c>Connection: close</c>, so each
/// connection carries exactly one exchange and the response can be piped without parsing its framing.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int upstreamPort;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public FaultProxy(int upstreamPort)
    {
        this.upstreamPort = upstreamPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Decides each request's fault; called once per request, in arrival order.</summary>
    public Func<ProxiedRequest, Fault> Rule { get; set; } = _ => Fault.Pass;

    public ConcurrentQueue<ProxiedRequest> Seen { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping ends the accept loop this way.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
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

            var read = await clientStream.ReadAsync(buffer.AsMemory(filled), stop.Token);
            if (read == 0 || !char.IsAsciiLetterUpper((char)buffer[0]))
            {
                // Closed, or not HTTP at all (a TLS hello from an https probe): hang up like a plain http server would.
                return;
            }

            filled += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var range = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?[6..].Trim();
        var request = new ProxiedRequest(requestLine[0], requestLine[1], range);
        Seen.Enqueue(request);
        var fault = Rule(request);

        if (fault is StatusFault status)
        {
            var json = $$"""{"errors":[{"code":"INJECTED","message":"fault proxy answered {{status.Status}}"}]}""";
            var head = new StringBuilder()
                .Append(CultureInfoInvariant($"HTTP/1.1 {status.Status} Injected\r\n"))
                .Append("Content-Type: application/json\r\n")
                .Append(CultureInfoInvariant($"Content-Length: {json.Length}\r\n"))
                .Append("Connection: close\r\n");
            if (status.RetryAfter is not null)
            {
                head.Append(CultureInfoInvariant($"Retry-After: {status.RetryAfter}\r\n"));
            }

            head.Append("\r\n").Append(json);
            await clientStream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), stop.Token);
            return;
        }

        var forwarded = new StringBuilder().Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)
                || (fault is StripRangeFault && line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            forwarded.Append(line).Append("\r\n");
        }

        forwarded.Append("Connection: close\r\n\r\n");

        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, stop.Token);
        var upstreamStream = upstream.GetStream();
        await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()), stop.Token);
        await upstreamStream.WriteAsync(buffer.AsMemory(headEnd + 4, filled - headEnd - 4), stop.Token);
        var upload = PumpAsync(clientStream, upstreamStream);

        var cutAfter = fault is CutFault cut ? cut.AfterBodyBytes : long.MaxValue;
        var response = new byte[64 * 1024];
        var headSeen = false;
        var headBytes = new List<byte>();
        long body = 0;
        while (true)
        {
            var read = await upstreamStream.ReadAsync(response, stop.Token);
            if (read == 0)
            {
                break;
            }

            var offset = 0;
            if (!headSeen)
            {
                headBytes.AddRange(response.AsSpan(0, read));
                var end = IndexOfHeadEnd([.. headBytes], headBytes.Count);
                if (end < 0)
                {
                    await clientStream.WriteAsync(response.AsMemory(0, read), stop.Token);
                    continue;
                }

                headSeen = true;
                offset = read - (headBytes.Count - (end + 4));
                await clientStream.WriteAsync(response.AsMemory(0, offset), stop.Token);
            }

            var chunk = read - offset;
            if (body + chunk >= cutAfter)
            {
                await clientStream.WriteAsync(response.AsMemory(offset, (int)(cutAfter - body)), stop.Token);
                await clientStream.FlushAsync(stop.Token);

                // A reset, not a clean close: the client must see a dropped connection mid-body.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
            }

            await clientStream.WriteAsync(response.AsMemory(offset, chunk), stop.Token);
            body += chunk;
        }

        client.Client.Shutdown(SocketShutdown.Send);
        await Task.WhenAny(upload, Task.Delay(1000));
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The exchange ended.
        }
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static int IndexOfHeadEnd(byte[] data, int length) => data.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
}
