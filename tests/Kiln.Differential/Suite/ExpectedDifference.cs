using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Kiln.Differential.Suite;

/// <summary>
/// A difference a case expects, from its <c>case.json</c>. It must match at least one reported difference (else the
/// test fails: the difference is gone and the mark must go too), and the differences it matches do not fail the case.
/// </summary>
internal sealed record ExpectedDifference
{
    /// <summary>"20.10" or "26"; null for both.</summary>
    public string? Oracle { get; init; }

    /// <summary>
    /// <c>known</c>: a Kiln defect another item is fixing (<see cref="Item"/> names it); <c>new</c>: a difference this
    /// suite found that nobody fixes yet (a defect, or a choice of Kiln's that the lead is to weigh); <c>oracle</c>: the
    /// oracle differs from current BuildKit (20.10's BuildKit 0.8 and 26's 0.13 are older; dockerd exports layers its
    /// own way), Kiln follows current BuildKit, and <see cref="Why"/> says where that is written.
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>The work item that owns it (known), or a short title.</summary>
    public required string Item { get; init; }

    /// <summary>A regular expression for the difference lines this explains.</summary>
    public required string Match { get; init; }

    public required string Why { get; init; }

    [JsonIgnore]
    public Regex Pattern => new(Match, RegexOptions.CultureInvariant);

    public bool AppliesTo(string oracle) => Oracle is null || Oracle == oracle;

    public string Label => $"{Kind} {Item}";
}
