namespace Kiln.Build.Progress;

/// <summary>Receives progress events; called from any thread, one event at a time per vertex.</summary>
public interface IProgressSink
{
    void Report(ProgressEvent progressEvent);
}
