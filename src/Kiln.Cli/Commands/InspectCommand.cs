using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kiln.Content.Images;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln inspect NAME...</c>: a JSON array shaped like <c>docker image inspect</c>'s, so scripts written for
/// docker (<c>jq '.[0].Config.Env'</c>) keep working.
/// </summary>
internal static partial class InspectCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("NAME") { Description = "Image names, IDs or digests", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Show low-level information on local images as JSON") { names };
        command.SetAction((parse, cancellationToken) => global.RunWithStoreAsync(parse, "inspect", error, async store =>
        {
            var results = ImmutableArray.CreateBuilder<InspectedImage>();
            var failed = false;
            foreach (var name in parse.GetValue(names) ?? [])
            {
                try
                {
                    var image = await store.LoadAsync(name, cancellationToken).ConfigureAwait(false);
                    results.Add(Describe(image));
                }
                catch (Exception e) when (e is ImageNotFoundException or ImageStoreException)
                {
                    await error.WriteLineAsync($"ERROR: kiln inspect: {e.Message}").ConfigureAwait(false);
                    failed = true;
                }
            }

            // docker prints what it found, then fails for what it did not.
            await output.WriteLineAsync(Serialize(results.ToImmutable())).ConfigureAwait(false);
            return failed ? ExitCodes.UserError : ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// Non-ASCII text (labels, a maintainer's name) is written as is, as Go's encoder does. Go does escape &lt;,
    /// &gt; and &amp; as <c>\u003c</c> and so on; the relaxed encoder does not, which reads better and parses the same.
    /// </summary>
    private static readonly InspectJsonContext Json = new(new JsonSerializerOptions(InspectJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    internal static string Serialize(ImmutableArray<InspectedImage> images) =>
        JsonSerializer.Serialize(images, Json.ImmutableArrayInspectedImage);

    internal static InspectedImage Describe(LocalImage image)
    {
        var config = image.Config.Value;
        var run = config.Config;
        var names = image.Resolved.Names;
        return new InspectedImage(
            image.Resolved.Id.ToString(),
            [.. names.Where(n => n.Name.Tag is not null).Select(n => n.Name.FamiliarString).Distinct(StringComparer.Ordinal)],
            [.. names.Select(n => $"{n.Name.FamiliarName}@{n.RepoDigest}").Distinct(StringComparer.Ordinal)],
            config.Created?.ToString() ?? string.Empty,
            config.Author ?? string.Empty,
            new InspectedConfig(
                run.User ?? string.Empty,
                run.Env,
                run.Entrypoint,
                run.Cmd,
                run.WorkingDir ?? string.Empty,
                run.Labels,
                run.ExposedPorts?.ToImmutableSortedDictionary(p => p, _ => new EmptyObject(), StringComparer.Ordinal),
                run.Volumes?.ToImmutableSortedDictionary(v => v, _ => new EmptyObject(), StringComparer.Ordinal),
                string.IsNullOrEmpty(run.StopSignal) ? null : run.StopSignal,
                run.Healthcheck,
                run.OnBuild,
                run.Shell),
            config.Architecture,
            string.IsNullOrEmpty(config.Variant) ? null : config.Variant,
            config.Os,
            image.ContentSize,
            new InspectedRootFs(config.RootFs.Type, [.. config.RootFs.DiffIds.Select(d => d.ToString())]));
    }

    /// <summary>One image, with docker's property names and order.</summary>
    internal sealed record InspectedImage(
        string Id,
        ImmutableArray<string> RepoTags,
        ImmutableArray<string> RepoDigests,
        string Created,
        string Author,
        InspectedConfig Config,
        string Architecture,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant,
        string Os,
        long Size,
        [property: JsonPropertyName("RootFS")] InspectedRootFs RootFs);

    /// <summary>
    /// The container defaults. Like docker, fields without a value are null, except the ones docker's Go struct
    /// marks <c>omitempty</c> (ExposedPorts, StopSignal, Healthcheck, Shell), which are left out.
    /// </summary>
    internal sealed record InspectedConfig(
        string User,
        ImmutableArray<string>? Env,
        ImmutableArray<string>? Entrypoint,
        ImmutableArray<string>? Cmd,
        string WorkingDir,
        ImmutableSortedDictionary<string, string>? Labels,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableSortedDictionary<string, EmptyObject>? ExposedPorts,
        ImmutableSortedDictionary<string, EmptyObject>? Volumes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StopSignal,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HealthcheckConfig? Healthcheck,
        ImmutableArray<string>? OnBuild,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableArray<string>? Shell);

    internal sealed record InspectedRootFs(string Type, ImmutableArray<string> Layers);

    /// <summary>Go's <c>struct{}</c> in a set: written as <c>{}</c>.</summary>
    internal sealed record EmptyObject;

    /// <summary>docker indents its inspect output with four spaces.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, IndentSize = 4)]
    [JsonSerializable(typeof(ImmutableArray<InspectedImage>))]
    internal sealed partial class InspectJsonContext : JsonSerializerContext;
}
