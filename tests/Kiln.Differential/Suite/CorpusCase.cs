using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kiln.Differential.Suite;

/// <summary>
/// One folder of <c>Corpus/</c>: a Dockerfile, a <c>context/</c>, an optional <c>gen.sh</c> that makes what git cannot
/// hold (owners, modes, non-UTF-8 names, archives, xattrs) in a scratch copy, and <c>case.json</c> with what the
/// case covers, its build arguments and target, the oracles it runs against and the differences it expects.
/// </summary>
internal sealed record CorpusCase
{
    public const string Oracle2010 = "20.10";
    public const string Oracle26 = "26";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    [JsonIgnore]
    public string Name { get; init; } = string.Empty;

    [JsonIgnore]
    public string Folder { get; init; } = string.Empty;

    /// <summary>What the case covers, for the reader.</summary>
    public required string About { get; init; }

    /// <summary>The Dockerfile, relative to the case folder.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    public string? Target { get; init; }

    public Dictionary<string, string> Args { get; init; } = [];

    /// <summary><c>--secret id=ID,src=FILE</c> for each entry, FILE relative to the case folder.</summary>
    public Dictionary<string, string> Secrets { get; init; } = [];

    /// <summary>The Dockerfile is one BuildKit refuses: Kiln must refuse it too (the messages are not compared).</summary>
    public bool Fails { get; init; }

    /// <summary>The oracles to compare with: both, or only 26 for what 20.10's BuildKit lacks (heredocs, --link, ...).</summary>
    public List<string> Oracles { get; init; } = [Oracle2010, Oracle26];

    public List<ExpectedDifference> Expected { get; init; } = [];

    /// <summary>SOURCE_DATE_EPOCH pins the image's and the history's created times, so they are compared.</summary>
    [JsonIgnore]
    public bool PinsTime => Args.ContainsKey("SOURCE_DATE_EPOCH");

    public static string CorpusRoot => Repository.PathOf("tests", "Kiln.Differential", "Corpus");

    public static IReadOnlyList<string> Names() =>
        [.. Directory.GetDirectories(CorpusRoot).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public static CorpusCase Load(string name)
    {
        var folder = Path.Combine(CorpusRoot, name);
        var parsed = JsonSerializer.Deserialize<CorpusCase>(File.ReadAllText(Path.Combine(folder, "case.json")), Options)
            ?? throw new InvalidDataException($"{name}/case.json is empty");
        var loaded = parsed with { Name = name, Folder = folder };
        loaded.Validate();
        return loaded;
    }

    private void Validate()
    {
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{Name}/case.json: {what}");
            }
        }

        Check(File.Exists(Path.Combine(Folder, Dockerfile)), $"the Dockerfile {Dockerfile} is missing");
        Check(Oracles.Count > 0 && Oracles.All(o => o is Oracle2010 or Oracle26), "oracles must be \"20.10\" and/or \"26\"");
        foreach (var e in Expected)
        {
            Check(e.Kind is "known" or "new" or "design" or "oracle", $"expected kind \"{e.Kind}\" is not known, new, design or oracle");
            Check(e.Oracle is null || Oracles.Contains(e.Oracle), $"expected \"{e.Item}\" names oracle {e.Oracle}, which the case does not run");
            Check(!string.IsNullOrWhiteSpace(e.Why) && !string.IsNullOrWhiteSpace(e.Match), $"expected \"{e.Item}\" needs match and why");
            _ = e.Pattern;
        }
    }
}
