using Kiln.Registry.Local;

namespace Kiln.Cli.Commands;

/// <summary>
/// docker's per-layer lines for a pull or a push (<c>SHORTID: Pull complete</c>): <paramref name="label"/> names the
/// states worth a line; transfers run in parallel, so lines are written one at a time.
/// </summary>
internal sealed class LayerProgressLines(TextWriter output, Func<BlobTransferState, string?> label) : IProgress<BlobProgress>
{
    private readonly Lock _lock = new();

    public void Report(BlobProgress value)
    {
        if (!value.IsLayer || label(value.State) is not { } text)
        {
            return;
        }

        lock (_lock)
        {
            output.WriteLine($"{RegistryCommandOptions.ShortId(value.Blob.Digest)}: {text}");
        }
    }
}
