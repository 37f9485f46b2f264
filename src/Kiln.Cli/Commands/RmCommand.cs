using System.CommandLine;
using Kiln.Content.Images;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln rm NAME...</c>: untags images, like <c>docker rmi</c>; an image whose last name goes has its blobs
/// removed by a prune that runs right after, unless another kiln process is using the store at that moment.
/// </summary>
internal static class RmCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Remove every name of an image given by ID, even across repositories" };
        var names = new Argument<string[]>("NAME") { Description = "Image names, IDs or digests", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Remove one or more local images") { force, names };
        command.Aliases.Add("rmi");
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "rm", error, async store =>
        {
            var failed = false;
            var gone = new List<string>();
            foreach (var name in parse.GetValue(names) ?? [])
            {
                try
                {
                    var removed = await store.RemoveAsync(name, parse.GetValue(force), cancellationToken).ConfigureAwait(false);
                    foreach (var untagged in removed.Untagged)
                    {
                        await output.WriteLineAsync($"Untagged: {untagged.FamiliarString}").ConfigureAwait(false);
                    }

                    if (!removed.StillReferenced)
                    {
                        gone.Add(removed.Id.ToString());
                    }
                }
                catch (Exception e) when (e is ImageNotFoundException or ImageStoreException)
                {
                    await error.WriteLineAsync($"ERROR: kiln rm: {e.Message}").ConfigureAwait(false);
                    failed = true;
                }
            }

            if (gone.Count > 0)
            {
                var pruned = await store.PruneAsync(null, wait: false, cancellationToken).ConfigureAwait(false);
                if (pruned is null)
                {
                    await error.WriteLineAsync("kiln rm: the store is in use by another kiln process; 'kiln prune' will free the removed images' blobs").ConfigureAwait(false);
                }
                else
                {
                    foreach (var id in gone)
                    {
                        await output.WriteLineAsync($"Deleted: {id}").ConfigureAwait(false);
                    }
                }
            }

            return failed ? ExitCodes.UserError : ExitCodes.Success;
        }));
        return command;
    }
}
