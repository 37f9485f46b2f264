using System.CommandLine;
using System.Text.Json;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// Options every command takes (<c>--root</c>), and the one place that opens the store for a command and turns
/// its failures into a clear <c>ERROR:</c> line and exit code 1.
/// </summary>
internal sealed class GlobalOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = $"The store directory (default: ${StoreRoot.EnvironmentVariable}, else {StoreRoot.SystemDefault} for root, else $XDG_DATA_HOME/kiln or ~/.local/share/kiln)",
        Recursive = true,
        HelpName = "DIR",
    };

    /// <summary>Runs <paramref name="body"/> with the image store of the root this command line names.</summary>
    public async Task<int> RunWithStoreAsync(
        ParseResult parse,
        string command,
        TextWriter error,
        Func<ImageStore, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var root = StoreRoot.Resolve(parse.GetValue(Root));
            var images = ImageStore.Open(ContentStore.Open(root));
            return await body(images).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            await error.WriteLineAsync($"ERROR: kiln {command}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }
    }

    /// <summary>Failures a user can act on, reported as a message rather than a stack trace.</summary>
    public static bool IsUserFacing(Exception e) => e is ImageNotFoundException or ImageStoreException or BlobNotFoundException
        or BlobCorruptException or DigestMismatchException or OciFormatException or JsonException or IOException
        or UnauthorizedAccessException or InvalidOperationException or InvalidDataException;
}
