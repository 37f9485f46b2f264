using System.CommandLine;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Local;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln pull NAME[:TAG|@DIGEST]</c>: an image from a registry into the store, printed like <c>docker pull</c>.</summary>
internal static class PullCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var registry = new RegistryCommandOptions();
        var platform = new Option<string?>("--platform")
        {
            Description = "Pull this platform from a multi-platform image, os/arch[/variant] (default: this machine's)",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image reference" };
        var name = new Argument<string>("NAME[:TAG|@DIGEST]") { Description = "The image to pull (':latest' when neither tag nor digest is given)" };
        var command = new Command("pull", "Download an image from a registry") { platform, quiet, name };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "pull", error, async store =>
        {
            if (!ImageReference.TryParse(parse.GetValue(name), defaultTag: false, out var reference, out var nameError))
            {
                return await FailAsync(error, nameError).ConfigureAwait(false);
            }

            OciPlatform? wanted = null;
            if (parse.GetValue(platform) is { } specifier)
            {
                if (!OciPlatform.TryParse(specifier, out var parsed, out var platformError))
                {
                    return await FailAsync(error, $"--platform: {platformError}").ConfigureAwait(false);
                }

                wanted = parsed;
            }

            var silent = parse.GetValue(quiet);
            var lines = silent ? TextWriter.Null : output;
            if (reference.Tag is null && reference.Digest is null)
            {
                await lines.WriteLineAsync($"Using default tag: {ImageReference.DefaultTag}").ConfigureAwait(false);
                reference = reference.WithTag(ImageReference.DefaultTag);
            }

            try
            {
                var options = registry.Read(parse);
                using var client = RegistryCommandOptions.CreateClient(reference, options);
                await lines.WriteLineAsync($"{reference.TagOrDigest}: Pulling from {reference.Repository}").ConfigureAwait(false);
                var result = await new StorePuller(store, client).PullAsync(reference, wanted, PullLines(lines), cancellationToken).ConfigureAwait(false);
                await SnapshotWarmup.UnpackAsync(store, reference.ToString(), cancellationToken).ConfigureAwait(false);
                await lines.WriteLineAsync($"Digest: {result.RepoDigest}").ConfigureAwait(false);
                await lines.WriteLineAsync(result.UpToDate
                    ? $"Status: Image is up to date for {reference.FamiliarString}"
                    : $"Status: Downloaded newer image for {reference.FamiliarString}").ConfigureAwait(false);
                await output.WriteLineAsync(reference.ToString()).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (RegistryException e)
            {
                return await FailAsync(error, e.Message).ConfigureAwait(false);
            }
        }));
        return command;
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"ERROR: kiln pull: {message}").ConfigureAwait(false);
        return ExitCodes.UserError;
    }

    /// <summary>docker pull's line per layer state.</summary>
    private static LayerProgressLines PullLines(TextWriter output) => new(output, state => state switch
    {
        BlobTransferState.AlreadyExists => "Already exists",
        BlobTransferState.Started => "Pulling fs layer",
        BlobTransferState.Downloaded => "Pull complete",
        _ => null,
    });
}
