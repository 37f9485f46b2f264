using System.CommandLine;
using Kiln.Build.Cache;
using Kiln.Build.Context;
using Kiln.Cli.Rendering;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln prune</c>: removes every blob that neither an image name nor the build cache references, temp files
/// interrupted writes left, the mount directories of runs that were killed, and unpacked layer snapshots no remaining image or cache entry has (unless in use); <c>--all</c> first drops the build cache, so its layers go too, and the context stat cache. It waits for other kiln
/// processes that are using the store, so nothing they are writing is swept.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also clear the build cache (its layers are removed too) and the RUN --mount cache directories" };
        var command = new Command("prune", "Remove unreferenced content from the store (waits for other kiln processes)") { all };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "prune", error, async store =>
        {
            var cache = CacheStore.Open(store.Content);
            if (parse.GetValue(all))
            {
                var cleared = await cache.ClearAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Deleted {cleared} build cache entr{(cleared == 1 ? "y" : "ies")}").ConfigureAwait(false);

                // RUN --mount=type=cache directories too, as docker builder prune -a removes BuildKit's cache mounts.
                var mounts = CacheMountStore.Open(store.Content.Root).Clear();
                if (mounts > 0)
                {
                    await output.WriteLineAsync($"Deleted {mounts} RUN --mount cache director{(mounts == 1 ? "y" : "ies")}").ConfigureAwait(false);
                }

                // The context stat cache too: after --all the next build reads every context file again.
                if (FileDigestCache.Clear(BuildCommand.FileDigestCacheDirectory(store.Content.Root)))
                {
                    await output.WriteLineAsync("Deleted the context file digest cache").ConfigureAwait(false);
                }
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

            var snapshots = await SnapshotPrune.RunAsync(SnapshotStore.Open(store.Content.Root), store, cache, leaveRecent: !parse.GetValue(all), cancellationToken).ConfigureAwait(false);
            foreach (var diffId in snapshots.Removed.OrderBy(d => d.ToString(), StringComparer.Ordinal))
            {
                await output.WriteLineAsync($"Deleted snapshot: {diffId}").ConfigureAwait(false);
            }

            if (snapshots.Removed.Length > 0)
            {
                await output.WriteLineAsync($"Deleted {snapshots.Removed.Length} unpacked layer snapshot(s), {HumanUnits.Size(snapshots.BytesFreed)}").ConfigureAwait(false);
            }

            if (snapshots.StaleMounts > 0)
            {
                await output.WriteLineAsync($"Deleted {snapshots.StaleMounts} mount director{(snapshots.StaleMounts == 1 ? "y" : "ies")} of interrupted runs").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"Total reclaimed space: {HumanUnits.Size(result.BytesFreed + snapshots.BytesFreed)}").ConfigureAwait(false);
            foreach (var failure in snapshots.StaleMountFailures)
            {
                await error.WriteLineAsync($"ERROR: kiln prune: could not remove the {failure}").ConfigureAwait(false);
            }

            return snapshots.StaleMountFailures.IsEmpty ? ExitCodes.Success : ExitCodes.UserError;
        }));
        return command;
    }
}
