using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class HealthcheckParsingTests
{
    [Fact]
    public void Healthcheck_none_disables_the_check()
    {
        var check = ParseAssert.Parses<HealthcheckInstruction>(Syntax.Of("HEALTHCHECK", "none"));
        Assert.True(check.IsNone);
        AssertSeq.Equal(["NONE"], check.Test);
    }

    [Fact]
    public void Healthcheck_none_takes_no_arguments() =>
        ParseAssert.Fails(Syntax.Of("HEALTHCHECK", "NONE", "x"), DiagnosticCodes.HealthcheckNoneWithArguments, "HEALTHCHECK NONE takes no arguments");

    [Fact]
    public void Shell_form_command_becomes_cmd_shell()
    {
        var check = ParseAssert.Parses<HealthcheckInstruction>(Syntax.Of("HEALTHCHECK", "CMD", "curl -f http://localhost/ || exit 1"));
        AssertSeq.Equal(["CMD-SHELL", "curl -f http://localhost/ || exit 1"], check.Test);
        Assert.Equal(TimeSpan.Zero, check.Interval);
        Assert.Equal(0, check.Retries);
    }

    [Fact]
    public void Exec_form_command_becomes_cmd()
    {
        var check = ParseAssert.Parses<HealthcheckInstruction>(Syntax.Make("HEALTHCHECK", ["cmd", "curl", "-f"], json: true));
        AssertSeq.Equal(["CMD", "curl", "-f"], check.Test);
    }

    [Fact]
    public void Durations_and_retries_are_parsed()
    {
        var check = ParseAssert.Parses<HealthcheckInstruction>(Syntax.Make(
            "HEALTHCHECK",
            ["CMD", "true"],
            ["--interval=1m30s", "--timeout=500ms", "--start-period=1.5h", "--start-interval=2s", "--retries=5"]));
        Assert.Equal(TimeSpan.FromSeconds(90), check.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), check.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(90), check.StartPeriod);
        Assert.Equal(TimeSpan.FromSeconds(2), check.StartInterval);
        Assert.Equal(5, check.Retries);
    }

    [Theory]
    [InlineData("--interval=0s")]
    [InlineData("--interval=0")]
    [InlineData("--retries=0")]
    public void Zero_means_the_default(string flag)
    {
        var check = ParseAssert.Parses<HealthcheckInstruction>(Syntax.Make("HEALTHCHECK", ["CMD", "true"], [flag]));
        Assert.Equal(TimeSpan.Zero, check.Interval);
        Assert.Equal(0, check.Retries);
    }

    [Theory]
    [InlineData("--interval=5", DiagnosticCodes.InvalidDuration, "time: missing unit in duration \"5\"")]
    [InlineData("--timeout=abc", DiagnosticCodes.InvalidDuration, "time: invalid duration \"abc\"")]
    [InlineData("--start-period=3d", DiagnosticCodes.InvalidDuration, "time: unknown unit \"d\" in duration \"3d\"")]
    [InlineData("--interval=-1s", DiagnosticCodes.DurationTooShort, "Interval \"interval\" cannot be less than 1ms")]
    [InlineData("--start-interval=999us", DiagnosticCodes.DurationTooShort, "\"start-interval\"")]
    [InlineData("--retries=three", DiagnosticCodes.InvalidRetries, "invalid syntax")]
    [InlineData("--retries=99999999999", DiagnosticCodes.InvalidRetries, "whole number")]
    [InlineData("--retries=-1", DiagnosticCodes.NegativeRetries, "--retries cannot be negative (-1)")]
    [InlineData("--intervall=5s", DiagnosticCodes.UnknownFlag, "did you mean --interval?")]
    public void Invalid_durations_and_retries_are_rejected(string flag, string code, string message) =>
        ParseAssert.Fails(Syntax.Make("HEALTHCHECK", ["CMD", "true"], [flag]), code, message);

    [Fact]
    public void An_empty_duration_means_not_given() =>
        Assert.Equal(TimeSpan.Zero, ParseAssert.Parses<HealthcheckInstruction>(Syntax.Make("HEALTHCHECK", ["CMD", "true"], ["--interval="])).Interval);

    [Fact]
    public void Cmd_without_a_command_is_rejected() =>
        ParseAssert.Fails(Syntax.Of("HEALTHCHECK", "CMD"), DiagnosticCodes.HealthcheckMissingCommand, "Missing command after HEALTHCHECK CMD");

    [Fact]
    public void Unknown_type_suggests_cmd() =>
        ParseAssert.Fails(Syntax.Of("HEALTHCHECK", "CMDD", "true"), DiagnosticCodes.HealthcheckUnknownType, "Unknown type \"CMDD\" in HEALTHCHECK (did you mean CMD?)");

    [Fact]
    public void Healthcheck_needs_an_argument() =>
        ParseAssert.Fails(Syntax.Make("HEALTHCHECK", []), DiagnosticCodes.RequiresAtLeastOneArgument);
}
