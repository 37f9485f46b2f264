using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Kiln.Build.Config;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Tests.Config;

/// <summary>
/// One captured BuildKit build (see TestData/README.md) replayed through the frontend and
/// <see cref="ImageConfigBuilder"/>, with the layers' diffIDs and times taken from BuildKit's own config.
/// </summary>
internal sealed class OracleCase
{
    private OracleCase(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    public static IEnumerable<object[]> All() =>
        Directory.GetDirectories(Path.Combine(SourceFolder(), "TestData")).Order(StringComparer.Ordinal).Select(d => new object[] { Path.GetFileName(d) });

    public static OracleCase Load(string name) => new(Path.Combine(SourceFolder(), "TestData", name));

    /// <summary>
    /// BuildKit's config. Two nulls of BuildKit 0.8 for an image without layers are read as Kiln writes them:
    /// <c>"diff_ids":null</c> as <c>[]</c> (image-spec requires the array) and <c>"created":null</c> as absent.
    /// </summary>
    public ImageConfig Expected => OciDocuments.ParseConfig(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(Folder, "expected.json"))
        .Replace("\"diff_ids\":null", "\"diff_ids\":[]", StringComparison.Ordinal)
        .Replace("\"created\":null,", string.Empty, StringComparison.Ordinal))).Value;

    public ImageConfig Rebuild()
    {
        var buildArgs = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        string? target = null;
        var optionsFile = Path.Combine(Folder, "options");
        foreach (var line in File.Exists(optionsFile) ? File.ReadAllLines(optionsFile) : [])
        {
            var (key, value) = Split(line);
            switch (key)
            {
                case "target": target = value; break;
                case "build-arg": buildArgs.Add(Split(value).Key, Split(value).Value); break;
                case "label": labels.Add(Split(value).Key, Split(value).Value); break;
                default: throw new InvalidOperationException($"unknown option {line}");
            }
        }

        var basePath = Path.Combine(Folder, "base.json");
        var baseConfig = File.Exists(basePath) ? OciDocuments.ParseConfig(File.ReadAllBytes(basePath)).Value : null;
        var baseEnv = (baseConfig?.Config.Env ?? []).Select(Split).ToImmutableDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var options = new FrontendOptions(buildArgs.ToImmutable(), target) { TargetPlatform = Platform.LinuxAmd64 };
        var result = DockerfileFrontend.Load(File.ReadAllText(Path.Combine(Folder, "Dockerfile")), options, (_, _) => baseEnv);
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        var definition = result.Definition!;

        var expected = Expected;
        var chain = new HashSet<int>();
        for (var stage = definition.Target; ; stage = definition.Stages[((StageBase.Stage)stage.Base).Index])
        {
            chain.Add(stage.Index);
            if (stage.Base is not StageBase.Stage)
            {
                break;
            }
        }

        var baseHistory = baseConfig?.History?.Length ?? 0;
        var baseLayers = baseConfig?.RootFs.DiffIds.Length ?? 0;
        var newLayers = new Queue<LayerResult>(expected.History!.Value.Skip(baseHistory).Where(h => !h.EmptyLayer)
            .Zip(expected.RootFs.DiffIds.Skip(baseLayers), (h, d) => new LayerResult(d, h.Created!.Value)));
        var dummy = new LayerResult(Digest.Sha256Of("not in the target"u8), OciTimestamp.FromUnixSeconds(0));

        // The triggers each stage runs, as the engine plans them: the base image's, and those of a parent stage.
        var images = definition.Stages.Select(s => s.Base).OfType<StageBase.Image>().Select(i => i.Reference).Distinct(StringComparer.Ordinal)
            .ToDictionary(r => r, r => new Ports.BaseImage(r, Digest.Sha256Of("base"u8), baseConfig!, []), StringComparer.Ordinal);
        var plan = Kiln.Build.Solver.OnBuildPlan.Create(definition, images, options);
        var builders = new Dictionary<int, ImageConfigBuilder>();
        foreach (var stage in plan.BuildOrder)
        {
            var builder = stage.Base switch
            {
                StageBase.Scratch => ImageConfigBuilder.FromScratch(new OciPlatform("amd64", "linux"), buildArgs),
                StageBase.Stage parent => ImageConfigBuilder.FromStage(builders[parent.Index], buildArgs),
                _ => ImageConfigBuilder.FromImage(baseConfig!, buildArgs),
            };
            foreach (var step in stage.Steps)
            {
                var layer = builder.MakesLayer(step.Instruction) ? (chain.Contains(stage.Index) ? newLayers.Dequeue() : dummy) : null;
                builder.Apply(step, layer);
            }

            builders[stage.Index] = builder;
        }

        Assert.Empty(newLayers);
        return builders[definition.Target.Index].Build(labels);
    }

    public static string Canonical(ImageConfig config) => Encoding.UTF8.GetString(OciDocuments.Write(config).Raw.AsSpan());

    private static (string Key, string Value) Split(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text, string.Empty) : (text[..equals], text[(equals + 1)..]);
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
