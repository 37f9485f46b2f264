using System.CommandLine;
using System.Security.Cryptography;
using Kiln.Content.Archives;

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

            // A temp file beside the target, renamed at the end: a failed save never leaves half an archive.
            var full = Path.GetFullPath(path);
            var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
            try
            {
                var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 128 * 1024, FileOptions.Asynchronous);
                await using (stream.ConfigureAwait(false))
                {
                    await ImageArchiveWriter.WriteAsync(store, images, stream, cancellationToken).ConfigureAwait(false);
                }

                File.Move(temp, full, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            _ = output;
            return ExitCodes.Success;
        }));
        return command;
    }
}
