namespace Kiln.Dockerfile.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Source_span_prints_line_and_column()
    {
        Assert.Equal("3:7", new Text.SourceSpan(3, 7, 3, 9).ToString());
        Assert.Equal("3", Text.SourceSpan.Lines(3, 4).ToString());
    }
}
