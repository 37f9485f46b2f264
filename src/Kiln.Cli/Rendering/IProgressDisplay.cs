using Kiln.Build.Progress;

namespace Kiln.Cli.Rendering;

/// <summary>A progress renderer with a lifetime: a live display draws until it is disposed.</summary>
internal interface IProgressDisplay : IProgressSink, IAsyncDisposable
{
}
