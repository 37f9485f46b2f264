using System.Net.Sockets;
using System.Text;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// A unix socket of kiln's own, with the owner and mode a <c>RUN --mount=type=ssh</c> asks for, that forwards every
/// connection to another socket (the ssh agent's), as BuildKit's ssh proxy does. Binding the agent's own socket would
/// show the host's owner and mode, which a non-root RUN user usually cannot connect to. The socket lives in a 0700
/// temporary directory of its own, so nobody on the host reaches it; the container reaches it through a bind of the
/// socket file itself, which needs no search permission on that directory. Disposing stops accepting, closes every
/// forwarded connection and deletes the directory.
/// </summary>
public sealed class UnixSocketProxy : IAsyncDisposable
{
    /// <summary>sun_path's size less its terminating NUL: longer socket paths cannot be bound.</summary>
    private const int MaxSocketPathBytes = 107;

    /// <summary>Agent messages are small (a signature request holds the data to sign): one read carries most.</summary>
    private const int BufferSize = 16 * 1024;

    private readonly Socket _listener;
    private readonly string _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = [];
    private readonly Task _accepting;
    private int _disposed;

    private UnixSocketProxy(string directory, string socketPath, Socket listener, string upstream)
    {
        Directory = directory;
        SocketPath = socketPath;
        _listener = listener;
        _upstream = upstream;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The private directory holding <see cref="SocketPath"/>; gone once disposed.</summary>
    public string Directory { get; }

    /// <summary>The socket to bind into the container.</summary>
    public string SocketPath { get; }

    /// <summary>Listens on a new socket owned by <paramref name="uid"/>:<paramref name="gid"/> with <paramref name="mode"/>, forwarding to <paramref name="upstream"/>.</summary>
    public static UnixSocketProxy Start(string upstream, UnixFileMode mode, uint uid, uint gid)
    {
        ArgumentException.ThrowIfNullOrEmpty(upstream);

        // mkdtemp's 0700 directory: until the socket has its owner and mode, only root can reach it.
        var directory = System.IO.Directory.CreateTempSubdirectory("kiln-ssh-").FullName;
        var socketPath = Path.Combine(directory, "agent");
        Socket? listener = null;
        try
        {
            if (Encoding.UTF8.GetByteCount(socketPath) > MaxSocketPathBytes)
            {
                throw new IOException($"the ssh agent proxy's socket path {socketPath} is too long for a unix socket: set TMPDIR to a shorter directory");
            }

            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            FileOwnership.Set(socketPath, mode, uid, gid);
            listener.Listen();
            return new UnixSocketProxy(directory, socketPath, listener, Path.GetFullPath(upstream));
        }
        catch
        {
            listener?.Dispose();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            _listener.Dispose();
            await _accepting.ConfigureAwait(false);
            Task[] open;
            lock (_connections)
            {
                open = [.. _connections];
            }

            // Each one ends on the cancellation above, closing both of its sockets.
            await Task.WhenAll(open).ConfigureAwait(false);
            _stopping.Dispose();
        }
        finally
        {
            // Whatever went wrong above, the directory does not outlive the step.
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The client gave up before it was accepted: nothing to forward, keep serving the others.
                continue;
            }
            catch (SocketException)
            {
                // Anything else (out of descriptors, say) would fail again at once: stop accepting, so the
                // command sees a connection refused, as from an agent that went away, instead of a busy loop.
                return;
            }

            var forwarding = ForwardAsync(client);
            lock (_connections)
            {
                _connections.Add(forwarding);
            }

            _ = forwarding.ContinueWith(
                done =>
                {
                    lock (_connections)
                    {
                        _connections.Remove(done);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>One client's connection, piped both ways to its own connection to the upstream socket until both sides are done.</summary>
    private async Task ForwardAsync(Socket client)
    {
        // Yield first: the accept loop must not run this connection's setup inline.
        await Task.Yield();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        using (client)
        using (var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_upstream), ending.Token).ConfigureAwait(false);
                await Task.WhenAll(PipeAsync(client, upstream, ending), PipeAsync(upstream, client, ending)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The agent is gone, a side reset, or the step ended: closing the client is how a broken agent
                // connection looks to it, and nothing else needs to know.
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/>; at the end of its data, passes the half-close on (a
    /// client may shut down writing and still wait for the answer). A failure ends the other direction too.
    /// </summary>
    private static async Task PipeAsync(Socket from, Socket to, CancellationTokenSource ending)
    {
        // Plain socket calls, not NetworkStream: .NET takes a socket shut down one way for a disconnected one.
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, ending.Token).ConfigureAwait(false)) > 0)
            {
                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, ending.Token).ConfigureAwait(false);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch
        {
            await ending.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
