using System.CommandLine;
using Kiln.Content.Archives;
using Kiln.Content.IO;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln save -o FILE IMAGE...</c>: an archive that <c>docker load</c> and OCI tools both read.</summary>
internal static class SaveCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var file = new Option<string>("--output", "-o")
        {
            Description = "Write to this file ('-' for standard output)",
            Required = true,
            HelpName = "FILE",
        };
        var names = new Argument<string[]>("IMAGE") { Description = "Images to save: names, IDs or digests", Arity = ArgumentArity.OneOrMore };
        var command = new Command("save", "Save one or more images to a tar archive (OCI layout and docker archive in one)") { file, names };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "save", error, async store =>
        {
            var path = parse.GetValue(file)!;
            var images = parse.GetValue(names) ?? [];
            if (path == "-")
            {
                var stdout = StandardStreams.OpenOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    await ImageArchiveWriter.WriteAsync(store, images, stdout, cancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            // Written beside the target and renamed at the end: a failed save never leaves half an archive.
            var archive = ReplacementFile.Create(path);
            await using (archive.ConfigureAwait(false))
            {
                await ImageArchiveWriter.WriteAsync(store, images, archive.Stream, cancellationToken).ConfigureAwait(false);
                await archive.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            _ = output;
            return ExitCodes.Success;
        }));
        return command;
    }
}
