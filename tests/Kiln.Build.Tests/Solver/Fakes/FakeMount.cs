using System.Collections.Concurrent;
using System.Collections.Immutable;
using Kiln.Build.Ports;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>A "mounted root" that only records what was done in it.</summary>
internal sealed class FakeMount(ImmutableArray<LayerRef> layers, bool writable, FakeSnapshotter owner) : IRootfsMount
{
    public string RootPath { get; } = $"/fake/{Guid.NewGuid():N}";

    public ImmutableArray<LayerRef> Layers { get; } = layers;

    public bool Writable { get; } = writable;

    public ConcurrentQueue<string> Changes { get; } = new();

    public ValueTask DisposeAsync()
    {
        owner.Released(this);
        return ValueTask.CompletedTask;
    }
}
