namespace Kiln.Oci.Tests;

public class OciTimestampTests
{
    [Theory]
    [InlineData("2024-05-06T07:08:09.123456789Z", "2024-05-06T07:08:09.123456789Z")]
    [InlineData("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z")]
    [InlineData("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00Z")]
    [InlineData("2024-01-01T00:00:00.5+02:00", "2024-01-01T00:00:00.5+02:00")]
    [InlineData("2024-01-01T00:00:00-05:30", "2024-01-01T00:00:00-05:30")]
    [InlineData("2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00Z")]
    [InlineData("2024-01-01t00:00:00.1234567891z", "2024-01-01T00:00:00.123456789Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")]
    [InlineData("2024-02-29T23:59:59.000000001Z", "2024-02-29T23:59:59.000000001Z")]
    public void Times_are_written_as_Go_writes_them(string input, string expected) =>
        Assert.Equal(expected, OciTimestamp.Parse(input).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("2024-01-01")]
    [InlineData("2024-01-01T00:00:00")]
    [InlineData("2024-01-01 00:00:00Z")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-01-01T24:00:00Z")]
    [InlineData("2024-01-01T00:60:00Z")]
    [InlineData("2024-01-01T00:00:00.Z")]
    [InlineData("2024-01-01T00:00:00+2:00")]
    [InlineData("2024-01-01T00:00:00+15:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2024-01-01T00:00:00Zjunk")]
    public void Bad_times_are_refused(string input) => Assert.False(OciTimestamp.TryParse(input, out _));

    [Fact]
    public void Source_date_epoch_seconds_are_UTC() =>
        Assert.Equal("1970-01-01T00:00:00Z", OciTimestamp.FromUnixSeconds(0).ToString());
}
