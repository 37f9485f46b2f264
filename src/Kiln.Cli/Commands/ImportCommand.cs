using System.CommandLine;
using Kiln.Content.Archives;
using Kiln.Content.Tar;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln import FILE|- NAME[:TAG]</c>: a rootfs tarball becomes a one-layer image, like <c>docker import</c>.</summary>
internal static class ImportCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var changes = new Option<string[]>("--change", "-c")
        {
            Description = $"Apply a Dockerfile instruction to the image config ({string.Join(", ", ImportChanges.Allowed)})",
            AllowMultipleArgumentsPerToken = false,
        };
        var platform = new Option<string?>("--platform") { Description = "The platform the image states, os/arch[/variant] (default: this machine's)" };
        var file = new Argument<string>("FILE") { Description = "A tar, tar.gz or tar.zst of the root file system; '-' reads standard input" };
        var name = new Argument<string>("REPOSITORY[:TAG]") { Description = "The name for the image (':latest' when no tag is given)" };
        var command = new Command("import", "Import the contents from a tarball to create a filesystem image") { changes, platform, file, name };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "import", error, async store =>
        {
            if (!ImageReference.TryParse(parse.GetValue(name), out var reference, out var nameError) || reference.Digest is not null)
            {
                await error.WriteLineAsync($"ERROR: kiln import: {nameError ?? "an image name cannot have a digest"}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            var target = OciPlatform.Host;
            if (parse.GetValue(platform) is { } specifier && !OciPlatform.TryParse(specifier, out target, out var platformError))
            {
                await error.WriteLineAsync($"ERROR: kiln import: --platform: {platformError}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            var config = ImportChanges.Apply(new ContainerConfig(), parse.GetValue(changes) ?? [], out var changeError);
            if (changeError is not null)
            {
                await error.WriteLineAsync($"ERROR: kiln import: {changeError}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            var path = parse.GetValue(file)!;
            var created = SourceDateEpoch.FromEnvironment() is { } epoch ? new OciTimestamp(epoch) : new OciTimestamp(DateTimeOffset.UtcNow);
            var request = new ImportRequest(reference, target, config, path, created);
            try
            {
                var input = path == "-" ? Console.OpenStandardInput() : OpenFile(path);
                ImportResult result;
                await using (input.ConfigureAwait(false))
                {
                    result = await RootfsImporter.ImportAsync(store, input, request, cancellationToken).ConfigureAwait(false);
                }

                await SnapshotWarmup.UnpackAsync(store, result.Id.ToString(), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(result.Id.ToString()).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (ArchiveException e)
            {
                await error.WriteLineAsync($"ERROR: kiln import: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }
        }));
        return command;
    }

    private static FileStream OpenFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
    });
}
