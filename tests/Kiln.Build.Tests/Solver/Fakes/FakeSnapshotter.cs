using System.Collections.Concurrent;
using System.Collections.Immutable;
using Kiln.Build.Ports;

namespace Kiln.Build.Tests.Solver.Fakes;

internal sealed class FakeSnapshotter : ISnapshotter
{
    private readonly ConcurrentDictionary<string, FakeMount> _open = new();
    private int _mounted;

    public int Mounted => _mounted;

    public int Open => _open.Count;

    /// <summary>Every mount made, in order, open or not.</summary>
    public ConcurrentQueue<FakeMount> History { get; } = new();

    public FakeMount ByRoot(string root) => _open[root];

    public bool IsOpen(string root) => _open.ContainsKey(root);

    public Task<IRootfsMount> MountAsync(ImmutableArray<LayerRef> layers, bool writable, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _mounted);
        var mount = new FakeMount(layers, writable, this);
        _open[mount.RootPath] = mount;
        History.Enqueue(mount);
        return Task.FromResult<IRootfsMount>(mount);
    }

    internal void Released(FakeMount mount) => _open.TryRemove(mount.RootPath, out _);
}
