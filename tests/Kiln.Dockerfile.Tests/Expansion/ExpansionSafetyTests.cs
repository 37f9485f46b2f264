using System.Diagnostics;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Tests.Expansion;

/// <summary>
/// Hostile inputs must finish and must not crash. The timeouts are hang guards only: a
/// backtracking matcher would take astronomically long on these, the expander takes milliseconds.
/// </summary>
public sealed class ExpansionSafetyTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("${X##*a*a*a*a*a*b}")]
    [InlineData("${X#*a*a*a*a*a*b}")]
    [InlineData("${X%%*a*a*a*a*a*b}")]
    [InlineData("${X%*a*a*a*a*a*b}")]
    [InlineData("${X/*a*a*a*a*a*b/-}")]
    [InlineData("${X//*a*a*a*a*a*b/-}")]
    public async Task A_pathological_pattern_on_a_long_value_finishes_without_matching(string input)
    {
        var value = new string('a', 200_000);
        var env = Env.Of("X=" + value);
        var run = Task.Run(() => new ShellWordExpander().ExpandWord(input, env));
        var finished = await Task.WhenAny(run, Task.Delay(HangGuard));

        Assert.Same(run, finished);
        Assert.Equal(value, (await run).Value);
    }

    [Fact]
    public async Task A_pathological_pattern_that_matches_finds_the_same_result_a_backtracker_would()
    {
        var env = Env.Of("X=" + new string('a', 100_000) + "b" + new string('a', 10));
        var run = Task.Run(() => new ShellWordExpander().ExpandWord("${X##*a*a*a*a*a*b}|${X#*a*a*b}|${X%%a*a*b*}", env));
        var finished = await Task.WhenAny(run, Task.Delay(HangGuard));

        Assert.Same(run, finished);
        Assert.Equal(new string('a', 10) + "|" + new string('a', 10) + "|", (await run).Value);
    }

    [Fact]
    public void Deeply_nested_substitutions_fail_cleanly_instead_of_overflowing_the_stack()
    {
        var depth = 20_000;
        var input = string.Concat(Enumerable.Repeat("${a:-", depth)) + "x" + new string('}', depth);
        var result = new ShellWordExpander().ExpandWord(input, Env.Empty);

        Assert.False(result.Succeeded);
        Assert.Equal(DiagnosticCodes.ExpansionTooDeeplyNested, result.ErrorCode);
    }

    [Fact]
    public void Moderately_nested_substitutions_still_work()
    {
        var depth = 50;
        var input = string.Concat(Enumerable.Repeat("${a:-", depth)) + "x" + new string('}', depth);
        Assert.Equal("x", Env.Value(input));
    }

    [Fact]
    public void A_long_word_with_many_expansions_expands_in_linear_time()
    {
        var input = string.Concat(Enumerable.Repeat("a$X \"$X\" ", 50_000));
        var stopwatch = Stopwatch.StartNew();
        var result = new ShellWordExpander().ExpandWords(input, Env.Of("X=x y"));
        stopwatch.Stop();

        Assert.Equal(150_000, result.Values.Length);
        Assert.True(stopwatch.Elapsed < HangGuard, $"took {stopwatch.Elapsed}");
    }
}
