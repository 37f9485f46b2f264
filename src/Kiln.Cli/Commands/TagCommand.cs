using System.CommandLine;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln tag SOURCE TARGET</c>: another name for a local image, like <c>docker tag</c>.</summary>
internal static class TagCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        _ = output;
        var source = new Argument<string>("SOURCE_IMAGE[:TAG]") { Description = "The image to name: a name, ID or digest" };
        var target = new Argument<string>("TARGET_IMAGE[:TAG]") { Description = "The new name (':latest' when no tag is given)" };
        var command = new Command("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE") { source, target };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "tag", error, async store =>
        {
            if (!ImageReference.TryParse(parse.GetValue(target), out var name, out var parseError))
            {
                await error.WriteLineAsync($"ERROR: kiln tag: {parseError}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            await store.TagAsync(parse.GetValue(source)!, name, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
