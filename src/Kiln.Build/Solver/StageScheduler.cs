using System.Collections.Immutable;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Solver;

/// <summary>
/// Runs the stages of a build order: each starts once the stages it needs are done, independent ones at the
/// same time (at most <c>parallelism</c> at once), each exactly once however many stages use it. The first
/// failure cancels the rest and is the one reported.
/// </summary>
internal sealed class StageScheduler : IDisposable
{
    public delegate Task<StageResult> BuildStage(BoundStage stage, Func<int, Task<StageResult>> resultOf, CancellationToken cancellationToken);

    private readonly ImmutableDictionary<int, BoundStage> _stages;
    private readonly BuildStage _build;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<int, Task<StageResult>> _tasks = [];
    private readonly Lock _lock = new();
    private Exception? _firstFailure;

    public StageScheduler(ImmutableArray<BoundStage> buildOrder, int parallelism, BuildStage build)
    {
        _stages = buildOrder.ToImmutableDictionary(s => s.Index);
        _build = build;
        _slots = new SemaphoreSlim(Math.Max(1, parallelism));
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>Builds every stage of the order; returns each stage's result by index.</summary>
    public async Task<ImmutableDictionary<int, StageResult>> RunAsync(CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var all = _stages.Keys.Order().Select(i => ResultOf(i, failed)).ToArray();
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch (Exception) when (_firstFailure is not null && !cancellationToken.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_firstFailure);
        }

        return _stages.Keys.ToImmutableDictionary(i => i, i => _tasks[i].Result);
    }

    private Task<StageResult> ResultOf(int index, CancellationTokenSource failed)
    {
        lock (_lock)
        {
            if (!_tasks.TryGetValue(index, out var task))
            {
                if (!_stages.TryGetValue(index, out var stage))
                {
                    throw new InvalidOperationException($"stage {index} is needed but not in the build order");
                }

                // Registered before it starts, so that a stage reached twice is still built once.
                task = Task.Run(() => RunStageAsync(stage, failed), CancellationToken.None);
                _tasks[index] = task;
            }

            return task;
        }
    }

    private async Task<StageResult> RunStageAsync(BoundStage stage, CancellationTokenSource failed)
    {
        try
        {
            // Wait for what the stage needs before taking a slot: a stage holding a slot while it waits could starve the others.
            foreach (var dependency in stage.Dependencies)
            {
                await ResultOf(dependency, failed).ConfigureAwait(false);
            }

            await _slots.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                return await _build(stage, i => ResultOf(i, failed), failed.Token).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException || !failed.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref _firstFailure, e, null);
            }

            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
