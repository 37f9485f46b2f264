using System.Collections.Immutable;
using System.CommandLine;
using Kiln.Cli.Rendering;
using Kiln.Content.Images;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln history NAME</c>: the steps that made an image, newest first, with the size of each layer.</summary>
internal static class HistoryCommand
{
    private const int CreatedByWidth = 45;

    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var name = new Argument<string>("NAME") { Description = "Image name, ID or digest" };
        var command = new Command("history", "Show the history of an image") { noTrunc, name };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "history", error, async store =>
        {
            var image = await store.LoadAsync(parse.GetValue(name)!, cancellationToken).ConfigureAwait(false);
            Render(Rows(image), DateTimeOffset.UtcNow, parse.GetValue(noTrunc), output);
            return ExitCodes.Success;
        }));
        return command;
    }

    internal sealed record Row(string Image, DateTimeOffset? Created, string CreatedBy, long Size, string Comment);

    /// <summary>
    /// Pairs history entries with layers: each entry without <c>empty_layer</c> takes the next layer, in order.
    /// An image without history (or with fewer entries than layers) gets a row per remaining layer, as docker shows.
    /// </summary>
    internal static ImmutableArray<Row> Rows(LocalImage image)
    {
        var layers = image.Manifest.Value.Layers;
        var rows = new List<Row>();
        var layer = 0;
        foreach (var entry in image.Config.Value.History ?? [])
        {
            var size = 0L;
            if (!entry.EmptyLayer && layer < layers.Length)
            {
                size = layers[layer++].Size;
            }

            rows.Add(new Row("<missing>", entry.Created?.Value, entry.CreatedBy ?? string.Empty, size, entry.Comment ?? string.Empty));
        }

        for (; layer < layers.Length; layer++)
        {
            rows.Add(new Row("<missing>", null, string.Empty, layers[layer].Size, string.Empty));
        }

        rows.Reverse();
        if (rows.Count > 0)
        {
            rows[0] = rows[0] with { Image = image.Resolved.Id.ToString() };
        }

        return [.. rows];
    }

    internal static void Render(ImmutableArray<Row> rows, DateTimeOffset now, bool noTrunc, TextWriter output)
    {
        var table = new TextTable("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        foreach (var row in rows)
        {
            var image = row.Image.StartsWith("sha256:", StringComparison.Ordinal) && !noTrunc ? row.Image["sha256:".Length..][..12] : row.Image;
            var createdBy = row.CreatedBy.ReplaceLineEndings(" ").Replace('\t', ' ');
            if (!noTrunc && createdBy.Length > CreatedByWidth)
            {
                // docker's Ellipsis: the first width-1 characters and a horizontal ellipsis.
                createdBy = string.Concat(createdBy.AsSpan(0, CreatedByWidth - 1), "…");
            }

            table.Add(image, HumanUnits.Ago(row.Created, now), createdBy, HumanUnits.Size(row.Size), row.Comment);
        }

        table.WriteTo(output);
    }
}
