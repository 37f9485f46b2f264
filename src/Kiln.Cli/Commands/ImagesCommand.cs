using System.Collections.Immutable;
using System.CommandLine;
using Kiln.Cli.Rendering;
using Kiln.Content.Images;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln images</c>: the local images, as <c>docker images</c> lists them.</summary>
internal static class ImagesCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate image IDs" };
        var repository = new Argument<string?>("REPOSITORY[:TAG]")
        {
            Description = "Only show images of this repository (and tag)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("images", "List local images") { quiet, noTrunc, repository };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "images", error, async store =>
        {
            var filter = parse.GetValue(repository);
            ImageReference? wanted = null;
            if (filter is not null && !ImageReference.TryParse(filter, defaultTag: false, out wanted, out var parseError))
            {
                await error.WriteLineAsync($"ERROR: kiln images: {parseError}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }

            var rows = await ListAsync(store, wanted, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(quiet))
            {
                foreach (var id in rows.Select(r => Id(r.Id, parse.GetValue(noTrunc))).Distinct(StringComparer.Ordinal))
                {
                    await output.WriteLineAsync(id).ConfigureAwait(false);
                }
            }
            else
            {
                Render(rows, DateTimeOffset.UtcNow, parse.GetValue(noTrunc), output);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One table row: a name and what the image's config and manifest say.</summary>
    internal sealed record Row(ImageReference Name, Digest Id, DateTimeOffset? Created, long Size);

    internal static async Task<ImmutableArray<Row>> ListAsync(ImageStore store, ImageReference? filter, CancellationToken cancellationToken)
    {
        var rows = ImmutableArray.CreateBuilder<Row>();
        foreach (var record in await store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (filter is not null && (filter.Name != record.Name.Name || filter.Tag is { } tag && tag != record.Name.Tag))
            {
                continue;
            }

            var resolved = new ResolvedImage(record.Id, record.Manifest, record.Index, [record], record);
            var image = await store.LoadAsync(resolved, cancellationToken).ConfigureAwait(false);
            rows.Add(new Row(record.Name, record.Id, image.Config.Value.Created?.Value, image.ContentSize));
        }

        return rows.ToImmutable();
    }

    /// <summary>Newest first, as docker sorts; names break ties so the order is stable.</summary>
    internal static void Render(ImmutableArray<Row> rows, DateTimeOffset now, bool noTrunc, TextWriter output)
    {
        var table = new TextTable("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        foreach (var row in rows.OrderByDescending(r => r.Created ?? DateTimeOffset.MinValue).ThenBy(r => r.Name.ToString(), StringComparer.Ordinal))
        {
            table.Add(row.Name.FamiliarName, row.Name.Tag ?? "<none>", Id(row.Id, noTrunc), HumanUnits.Ago(row.Created, now), HumanUnits.Size(row.Size));
        }

        table.WriteTo(output);
    }

    private static string Id(Digest id, bool noTrunc) => noTrunc ? id.ToString() : id.Encoded[..12];
}
