namespace Kiln.Build.Progress;

/// <summary>One running vertex. It ends exactly once: the first of Cached, Complete or Fail wins.</summary>
public sealed class ProgressVertex
{
    private readonly IProgressSink _sink;
    private readonly TimeProvider _time;
    private readonly long _started;
    private int _ended;

    internal ProgressVertex(int number, IProgressSink sink, TimeProvider time)
    {
        Number = number;
        _sink = sink;
        _time = time;
        _started = time.GetTimestamp();
    }

    public int Number { get; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public void Log(string line) => _sink.Report(new ProgressEvent.Log(Number, Elapsed, line));

    public void Cached()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _sink.Report(new ProgressEvent.Cached(Number));
        }
    }

    public void Complete()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _sink.Report(new ProgressEvent.Completed(Number, Elapsed));
        }
    }

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _sink.Report(new ProgressEvent.Canceled(Number, Elapsed));
        }
    }

    public void Fail(string message)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _sink.Report(new ProgressEvent.Failed(Number, Elapsed, message));
        }
    }
}
