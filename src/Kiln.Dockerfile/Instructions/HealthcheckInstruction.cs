using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>HEALTHCHECK NONE</c> or <c>HEALTHCHECK [--interval] [--timeout] [--start-period] [--start-interval] [--retries] CMD ...</c>,
/// in the image config's shape: <see cref="Test"/> is <c>["NONE"]</c>, <c>["CMD", args...]</c> (exec form)
/// or <c>["CMD-SHELL", text]</c> (shell form). Durations and retries not given are zero (the runtime's defaults apply).
/// </summary>
public sealed record HealthcheckInstruction(
    ImmutableArray<string> Test,
    TimeSpan Interval,
    TimeSpan Timeout,
    TimeSpan StartPeriod,
    TimeSpan StartInterval,
    int Retries) : Instruction
{
    public override string Keyword => "healthcheck";

    public bool IsNone => Test is ["NONE"];
}
