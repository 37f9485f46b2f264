using System.CommandLine;
using Kiln.Content.Images;
using Kiln.Content.Paths;
using Kiln.Content.Store;
using Kiln.Runtime.Linux.Copy;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln cp IMAGE:PATH DEST</c>: copies a file or a directory out of a local image, as <c>docker cp</c> copies out
/// of a container (the builder pattern's extraction step). Nothing runs: the layers are mounted read-only.
/// </summary>
internal static class CpCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        _ = output;
        var source = new Argument<string>("IMAGE:PATH") { Description = "A local image and a path in it (absolute, or relative to its WORKDIR)" };
        var destination = new Argument<string>("DEST") { Description = "Where to copy to on this machine" };
        var command = new Command("cp", "Copy files or directories out of a local image (needs root)") { source, destination };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (!Environment.IsPrivilegedProcess)
                {
                    await error.WriteLineAsync("ERROR: kiln cp: needs root (it mounts the image's layers with overlayfs)").ConfigureAwait(false);
                    return ExitCodes.UserError;
                }

                var (name, path) = Split(parse.GetValue(source)!);
                var root = StoreRoot.Resolve(parse.GetValue(global.Root));
                var content = ContentStore.Open(root);
                var images = ImageStore.Open(content);
                var image = await images.LoadAsync(name, cancellationToken).ConfigureAwait(false);
                if (!path.StartsWith('/'))
                {
                    path = (image.Config.Value.Config.WorkingDir ?? "/").TrimEnd('/') + "/" + path;
                }

                var result = await ImageCopier.CopyAsync(
                    SnapshotStore.Open(root),
                    content,
                    image.Manifest.Value.Layers,
                    image.Config.Value.RootFs.DiffIds,
                    path,
                    parse.GetValue(destination)!,
                    cancellationToken).ConfigureAwait(false);
                foreach (var skipped in result.Skipped)
                {
                    await error.WriteLineAsync($"WARNING: kiln cp: skipped {skipped}: not a file, directory or symlink").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
            catch (Exception e) when (GlobalOptions.IsUserFacing(e) || e is ArgumentException or UnsafePathException)
            {
                await error.WriteLineAsync($"ERROR: kiln cp: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }
        });
        return command;
    }

    /// <summary>
    /// IMAGE:PATH, where the image part may itself hold colons (a registry port, a tag): an absolute path starts at
    /// the first ":/"; otherwise the path is what follows the last colon.
    /// </summary>
    internal static (string Image, string Path) Split(string text)
    {
        var absolute = text.IndexOf(":/", StringComparison.Ordinal);
        var colon = absolute >= 0 ? absolute : text.LastIndexOf(':');
        return colon <= 0 || colon == text.Length - 1
            ? throw new ArgumentException($"\"{text}\": expected IMAGE:PATH")
            : (text[..colon], text[(colon + 1)..]);
    }
}
