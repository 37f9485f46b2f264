using System.Net.Sockets;
using System.Text;
using Kiln.Runtime.Linux.Containers;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// The proxy that shows an ssh agent to a RUN, over real unix sockets: an upstream of the test's own stands in for the
/// agent, answering each request in capitals once the client has finished writing.
/// </summary>
public sealed class UnixSocketProxyTests : IDisposable
{
    private static readonly UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-proxy-test-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private Socket? _upstream;
    private int _upstreamConnections;

    public void Dispose()
    {
        _upstream?.Dispose();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string UpstreamPath => Path.Combine(_directory, "upstream.sock");

    [Fact]
    public async Task A_connection_is_piped_both_ways_and_a_half_close_reaches_the_upstream()
    {
        StartUpstream();
        await using var proxy = UnixSocketProxy.Start(UpstreamPath, Mode0600, 0, 0);

        // The upstream answers only after it read to the end: the client's shutdown must have been passed on.
        Assert.Equal("HELLO AGENT", await AskAsync(proxy.SocketPath, "hello agent"));
        Assert.Equal(1, Volatile.Read(ref _upstreamConnections));
    }

    [Fact]
    public async Task Connections_at_the_same_time_each_get_their_own_upstream_connection()
    {
        StartUpstream();
        await using var proxy = UnixSocketProxy.Start(UpstreamPath, Mode0600, 0, 0);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => AskAsync(proxy.SocketPath, new string('x', 100_000) + i)));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => new string('X', 100_000) + i), answers);
        Assert.Equal(8, Volatile.Read(ref _upstreamConnections));
    }

    [Fact]
    public async Task The_socket_has_the_owner_and_mode_asked_for_in_a_directory_only_root_can_enter()
    {
        Tool.RequireRoot();
        StartUpstream();
        await using var proxy = UnixSocketProxy.Start(UpstreamPath, (UnixFileMode)0x1B6, 5, 6);

        Assert.Equal("socket 5 6 666", Tool.Run("stat", "-c", "%F %u %g %a", proxy.SocketPath).Trim());
        Assert.Equal("0 0 700", Tool.Run("stat", "-c", "%u %g %a", proxy.Directory).Trim());
        Assert.Equal(proxy.Directory, Path.GetDirectoryName(proxy.SocketPath));
    }

    [Fact]
    public async Task Disposing_closes_open_connections_stops_listening_and_deletes_its_directory()
    {
        StartUpstream();
        var proxy = UnixSocketProxy.Start(UpstreamPath, Mode0600, 0, 0);
        using var open = await ConnectAsync(proxy.SocketPath);
        await open.SendAsync(Encoding.UTF8.GetBytes("never finished"), SocketFlags.None, _timeout.Token);
        await WaitForAsync(() => Volatile.Read(ref _upstreamConnections) == 1);

        await proxy.DisposeAsync().AsTask().WaitAsync(_timeout.Token);

        // The open client sees the end of its connection, not a hang.
        Assert.Equal(0, await open.ReceiveAsync(new byte[16], SocketFlags.None, _timeout.Token));
        Assert.False(Directory.Exists(proxy.Directory));
        await Assert.ThrowsAnyAsync<SocketException>(async () => (await ConnectAsync(proxy.SocketPath)).Dispose());
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task A_connection_the_upstream_refuses_is_closed_and_later_ones_still_get_through()
    {
        await using var proxy = UnixSocketProxy.Start(UpstreamPath, Mode0600, 0, 0);

        // No upstream yet: the client's connection is accepted, then closed.
        using (var refused = await ConnectAsync(proxy.SocketPath))
        {
            Assert.Equal(0, await refused.ReceiveAsync(new byte[16], SocketFlags.None, _timeout.Token));
        }

        StartUpstream();
        Assert.Equal("LATER", await AskAsync(proxy.SocketPath, "later"));
    }

    /// <summary>An upstream that reads each connection to its end and answers with what it read in capitals.</summary>
    private void StartUpstream()
    {
        _upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _upstream.Bind(new UnixDomainSocketEndPoint(UpstreamPath));
        _upstream.Listen();
        var listener = _upstream;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket connection;
                try
                {
                    connection = await listener.AcceptAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _upstreamConnections);
                _ = Task.Run(async () =>
                {
                    using (connection)
                    {
                        try
                        {
                            var text = await ReadToEndAsync(connection);
                            var answer = Encoding.UTF8.GetBytes(text.ToUpperInvariant());
                            for (var sent = 0; sent < answer.Length;)
                            {
                                sent += await connection.SendAsync(answer.AsMemory(sent), SocketFlags.None);
                            }
                        }
                        catch (Exception e) when (e is SocketException or IOException)
                        {
                            // The proxy closed the connection first (it was disposed): nobody waits for an answer.
                        }
                    }
                });
            }
        });
    }

    /// <summary>Sends <paramref name="request"/>, shuts down writing, and reads the answer to its end.</summary>
    private async Task<string> AskAsync(string socket, string request)
    {
        using var client = await ConnectAsync(socket);
        var bytes = Encoding.UTF8.GetBytes(request);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await client.SendAsync(bytes.AsMemory(sent), SocketFlags.None, _timeout.Token);
        }

        client.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(client).WaitAsync(_timeout.Token);
    }

    private async Task<Socket> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), _timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        // Not through a NetworkStream: .NET refuses one on a socket shut down for sending.
        using var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(all.ToArray());
    }

    private async Task WaitForAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, _timeout.Token);
        }
    }
}
