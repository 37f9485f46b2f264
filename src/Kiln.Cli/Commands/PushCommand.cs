using System.CommandLine;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Local;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln push NAME [DEST]</c>: a local image to a registry, printed like <c>docker push</c>.</summary>
internal static class PushCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var registry = new RegistryCommandOptions();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the pushed digest line" };
        var name = new Argument<string>("NAME[:TAG]") { Description = "The local image: a name, ID or digest" };
        var destination = new Argument<string?>("DEST")
        {
            Description = "Where to push, registry/repository[:tag] (default: NAME itself)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("push", "Upload an image to a registry") { quiet, name, destination };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "push", error, async store =>
        {
            var source = parse.GetValue(name)!;
            var target = parse.GetValue(destination);
            ImageReference? reference;
            if (target is not null)
            {
                if (!ImageReference.TryParse(target, out reference, out var destinationError))
                {
                    return await FailAsync(error, destinationError).ConfigureAwait(false);
                }
            }
            else
            {
                // Like docker: the image's own name says where it goes, so NAME must be a name, not an id.
                var resolved = await store.ResolveAsync(source, cancellationToken).ConfigureAwait(false);
                reference = resolved.ByName?.Name;
                if (reference is null)
                {
                    return await FailAsync(error, $"{source} is not a name; give a destination: kiln push {source} REGISTRY/REPOSITORY[:TAG]").ConfigureAwait(false);
                }
            }

            var lines = parse.GetValue(quiet) ? TextWriter.Null : output;
            try
            {
                var options = registry.Read(parse);
                using var client = RegistryCommandOptions.CreateClient(reference, options);
                await lines.WriteLineAsync($"The push refers to repository [{reference.Name}]").ConfigureAwait(false);
                var result = await new StorePusher(store, client).PushAsync(source, reference, new LayerProgressLines(lines, state => state == BlobTransferState.Uploaded ? "Pushed" : null), cancellationToken).ConfigureAwait(false);
                await WriteSummaryAsync(lines, result).ConfigureAwait(false);
                await output.WriteLineAsync($"{reference.Tag ?? reference.Digest.ToString()}: digest: {result.Root.Digest} size: {result.Root.Size}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (RegistryException e)
            {
                return await FailAsync(error, e.Message).ConfigureAwait(false);
            }
        }));
        return command;
    }

    /// <summary>docker's lines for the layers that were not uploaded, after the fact (the pusher tallies, it does not name them).</summary>
    private static async Task WriteSummaryAsync(TextWriter lines, StorePushResult result)
    {
        string skipped;
        if (result.Mounted == 0)
        {
            skipped = "Layer already exists";
        }
        else if (result.AlreadyPresent == 0 && result.MountFrom.Length == 1)
        {
            skipped = $"Mounted from {result.MountFrom[0]}";
        }
        else
        {
            skipped = result.AlreadyPresent == 0 ? "Mounted" : "Layer already exists or mounted";
        }

        foreach (var layer in result.Layers.Where(l => !result.UploadedBlobs.Contains(l.Digest)))
        {
            await lines.WriteLineAsync($"{RegistryCommandOptions.ShortId(layer.Digest)}: {skipped}").ConfigureAwait(false);
        }

        if (result.IncompleteIndex is { } index)
        {
            await lines.WriteLineAsync(
                $"Pushed the image manifest alone: the store does not hold every platform of the index {index.Digest} it was pulled from").ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"ERROR: kiln push: {message}").ConfigureAwait(false);
        return ExitCodes.UserError;
    }
}
