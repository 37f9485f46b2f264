using Kiln.Dockerfile.Diagnostics;

namespace Kiln.Dockerfile.Expansion;

/// <summary>
/// What is left of <see cref="FrontendLimits.MaxExpansionWork"/> for one Dockerfile: each word alone stays under
/// <see cref="FrontendLimits.MaxExpandedWordLength"/>, but thousands of words each just under it would still fill
/// the memory, so every expansion of one load spends from one budget. Not thread-safe: one per load.
/// </summary>
internal sealed class ExpansionBudget
{
    private readonly long _limit;
    private long _remaining;

    public ExpansionBudget(long limit)
    {
        _limit = limit;
        _remaining = limit;
    }

    /// <summary>True once an expansion asked for more than was left: every later one would fail the same way.</summary>
    public bool Exhausted => _remaining < 0;

    /// <summary>Takes <paramref name="amount"/>; false, with the error to report, once the budget is spent.</summary>
    public bool TrySpend(long amount, out ExpansionError error)
    {
        _remaining -= amount;
        error = _remaining >= 0
            ? default
            : new ExpansionError(
                DiagnosticCodes.ExpansionBudgetExceeded,
                $"the expansions of this Dockerfile exceed kiln's limit of {_limit / (1024 * 1024)} Mi characters and pattern steps in all");
        return _remaining >= 0;
    }
}
