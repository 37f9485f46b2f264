using System.Text;
using System.Text.Json;

namespace Kiln.Conformance.Ignore;

/// <summary>
/// Reads <c>patternmatcher/cases.tsv</c> and <c>compile.tsv</c>: a header line, then TAB-separated cells
/// (never trimmed), JSON-encoded where the README says so.
/// </summary>
internal static class PatternMatcherCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<int, PatternMatcherCase>> CasesById = new(LoadCases);

    public static IReadOnlyDictionary<int, PatternMatcherCase> Cases => CasesById.Value;

    public static IEnumerable<string[]> ReadTsv(string fileName)
    {
        var text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(Corpus.PathOf("patternmatcher", fileName)));
        var lines = text.Split('\n');
        var header = lines[0].Split('\t');
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"{fileName}: expected {header.Length} cells, got {cells.Length}: {line}");
            }

            yield return cells;
        }
    }

    private static Dictionary<int, PatternMatcherCase> LoadCases()
    {
        var cases = new Dictionary<int, PatternMatcherCase>();
        foreach (var cells in ReadTsv("cases.tsv"))
        {
            var row = new PatternMatcherCase(
                Id: int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture),
                Source: cells[1],
                Api: cells[2],
                Patterns: JsonSerializer.Deserialize<string[]>(cells[3]) ?? throw new InvalidDataException(cells[3]),
                Path: JsonSerializer.Deserialize<string>(cells[4]) ?? throw new InvalidDataException(cells[4]),
                Expected: cells[5],
                Platform: cells[6]);
            cases.Add(row.Id, row);
        }

        return cases;
    }
}
