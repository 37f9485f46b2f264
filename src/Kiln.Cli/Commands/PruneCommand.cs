using System.CommandLine;
using Kiln.Build.Cache;
using Kiln.Cli.Rendering;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln prune</c>: removes every blob that neither an image name nor the build cache references, and temp files
/// interrupted writes left; <c>--all</c> first drops the build cache, so its layers go too. It waits for other kiln
/// processes that are using the store, so nothing they are writing is swept.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also clear the build cache (its layers are removed too)" };
        var command = new Command("prune", "Remove unreferenced content from the store (waits for other kiln processes)") { all };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "prune", error, async store =>
        {
            var cache = CacheStore.Open(store.Content);
            if (parse.GetValue(all))
            {
                var cleared = await cache.ClearAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Deleted {cleared} build cache entr{(cleared == 1 ? "y" : "ies")}").ConfigureAwait(false);
            }

            var result = (await store.PruneAsync(cache, wait: true, cancellationToken).ConfigureAwait(false))!;
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
