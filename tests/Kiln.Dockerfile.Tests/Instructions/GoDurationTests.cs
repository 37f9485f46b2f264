using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("1ns", 1L)]
    [InlineData("1.5us", 1_500L)]
    [InlineData("2\u00b5s", 2_000L)]
    [InlineData("3\u03bcs", 3_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("1h2m3s4ms", 3_723_004_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.s", 1_000_000_000L)]
    [InlineData("-2s", -2_000_000_000L)]
    [InlineData("2562047h47m16.854775807s", long.MaxValue)]
    public void Valid_durations_parse_to_nanoseconds(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(nanoseconds, value);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("-", "time: invalid duration \"-\"")]
    [InlineData("5", "time: missing unit in duration \"5\"")]
    [InlineData("1.5", "time: missing unit in duration \"1.5\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData("2562048h", "time: invalid duration \"2562048h\"")]
    public void Invalid_durations_fail_with_go_messages(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }
}
