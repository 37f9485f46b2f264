using System.Collections.Immutable;

namespace Kiln.Build.Solver;

/// <summary>The last lines a step printed, kept for its error message; written from the runtime's reader threads.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public ImmutableArray<string> ToImmutableArray()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }
}
