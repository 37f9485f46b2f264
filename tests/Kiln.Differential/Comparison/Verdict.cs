using System.Text;
using Kiln.Differential.Suite;

namespace Kiln.Differential.Comparison;

/// <summary>
/// The differences of one case against one oracle, each explained by an expectation of the case or not. The case
/// passes when every difference is explained and every expectation explains at least one: an expected failure that
/// starts passing fails the suite, so its mark is removed when the fix lands.
/// </summary>
internal sealed record Verdict(bool Passed, string Report)
{
    /// <summary>A report shows at most this many lines; the verdict still weighs them all.</summary>
    private const int ShownLines = 200;

    public static Verdict Of(CorpusCase corpusCase, string oracle, IReadOnlyList<string> differences)
    {
        var expected = corpusCase.Expected.Where(e => e.AppliesTo(oracle)).ToList();
        var used = new HashSet<ExpectedDifference>(ReferenceEqualityComparer.Instance);
        var lines = new List<string>();
        var unexplained = 0;
        foreach (var difference in differences)
        {
            var explanation = expected.FirstOrDefault(e => e.Pattern.IsMatch(difference));
            if (explanation is null)
            {
                unexplained++;
                lines.Add($"  UNEXPECTED  {difference}");
            }
            else
            {
                used.Add(explanation);
                lines.Add($"  expected ({explanation.Label})  {difference}");
            }
        }

        var stale = expected.Where(e => !used.Contains(e)).ToList();
        foreach (var e in stale)
        {
            lines.Add($"  STALE  {e.Label}: matches no difference any more (\"{e.Match}\"): {e.Why}. If it was fixed, remove the mark from {corpusCase.Name}/case.json.");
        }

        var report = new StringBuilder();
        report.Append($"{corpusCase.Name} (kiln | buildkit {oracle}): {differences.Count} difference(s), {unexplained} unexpected, {stale.Count} stale expectation(s)\n");
        foreach (var line in lines.Take(ShownLines))
        {
            report.Append(line).Append('\n');
        }

        if (lines.Count > ShownLines)
        {
            report.Append($"  ... and {lines.Count - ShownLines} more\n");
        }

        return new Verdict(unexplained == 0 && stale.Count == 0, report.ToString());
    }
}
