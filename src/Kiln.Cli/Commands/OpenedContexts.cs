using Kiln.Build.Context;

namespace Kiln.Cli.Commands;

/// <summary>The named contexts of one build, opened: directories as they are, git contexts checked out (deleted on dispose).</summary>
internal sealed class OpenedContexts : IAsyncDisposable
{
    public Dictionary<string, BuildContext> Contexts { get; } = new(StringComparer.Ordinal);

    public List<GitContext> Checkouts { get; } = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var checkout in Checkouts)
        {
            await checkout.DisposeAsync().ConfigureAwait(false);
        }

        Checkouts.Clear();
    }
}
