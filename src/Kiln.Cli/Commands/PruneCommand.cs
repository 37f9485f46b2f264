using System.CommandLine;
using Kiln.Cli.Rendering;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln prune</c>: removes every blob no image name references, and temp files interrupted writes left.
/// It waits for other kiln processes that are using the store, so nothing they are writing is swept.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var command = new Command("prune", "Remove unreferenced content from the store (waits for other kiln processes)");
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "prune", error, async store =>
        {
            var result = (await store.PruneAsync(null, wait: true, cancellationToken).ConfigureAwait(false))!;
            foreach (var blob in result.RemovedBlobs.OrderBy(b => b.Digest.ToString(), StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"Deleted: {blob.Digest}").ConfigureAwait(false);
            }

            if (result.RemovedIngestFiles > 0)
            {
                await output.WriteLineAsync($"Deleted {result.RemovedIngestFiles} unfinished write(s)").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"Total reclaimed space: {HumanUnits.Size(result.BytesFreed)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
