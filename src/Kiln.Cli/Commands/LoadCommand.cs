using System.Collections.Immutable;
using System.CommandLine;
using Kiln.Content.Archives;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln load [-i FILE|DIR]</c>: docker archives (legacy and 25+) and OCI layouts into the store, like <c>docker load</c>.</summary>
internal static class LoadCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var input = new Option<string?>("--input", "-i")
        {
            Description = "Read from this tar archive (plain, gzip or zstd) or OCI layout directory instead of standard input",
            HelpName = "FILE",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the load output" };
        var command = new Command("load", "Load images from a tar archive or an OCI layout") { input, quiet };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "load", error, async store =>
        {
            var path = parse.GetValue(input);
            ImmutableArray<LoadedImage> loaded;
            try
            {
                if (path is not null && Directory.Exists(path))
                {
                    loaded = await ImageArchiveLoader.LoadDirectoryAsync(store, path, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var stream = path is null or "-"
                        ? Console.OpenStandardInput()
                        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await using (stream.ConfigureAwait(false))
                    {
                        loaded = await ImageArchiveLoader.LoadTarAsync(store, stream, path ?? "standard input", cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (ArchiveException e)
            {
                await error.WriteLineAsync($"ERROR: kiln load: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            if (!parse.GetValue(quiet))
            {
                foreach (var image in loaded)
                {
                    if (image.Names.IsEmpty)
                    {
                        await output.WriteLineAsync($"Loaded image ID: {image.Id}").ConfigureAwait(false);
                    }

                    foreach (var name in image.Names)
                    {
                        await output.WriteLineAsync($"Loaded image: {name.FamiliarString}").ConfigureAwait(false);
                    }
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
