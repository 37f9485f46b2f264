using System.Text;
using System.Text.Json;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Conformance.Ignore;

/// <summary><c>ignorefile.ReadAll</c> (README 3.3): the sample file must read as exactly the expected patterns.</summary>
public sealed class IgnoreFileConformanceTests
{
    [Fact]
    public void Sample_dockerignore_reads_as_the_expected_patterns()
    {
        using var expectedJson = JsonDocument.Parse(File.ReadAllBytes(Corpus.PathOf("patternmatcher", "ignorefile-readall.expected.json")));
        var inputName = expectedJson.RootElement.GetProperty("input_file").GetString()!;
        var expected = expectedJson.RootElement.GetProperty("expected_patterns").EnumerateArray().Select(e => e.GetString()!).ToArray();

        // Decode without touching a BOM or line endings: the reader itself must handle them.
        var text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(Corpus.PathOf("patternmatcher", inputName)));

        Assert.Equal(expected, DockerignoreFile.Parse(text));
    }

    [Fact]
    public void Missing_dockerignore_reads_as_no_patterns()
    {
        using var expectedJson = JsonDocument.Parse(File.ReadAllBytes(Corpus.PathOf("patternmatcher", "ignorefile-readall.expected.json")));
        var expected = expectedJson.RootElement.GetProperty("also").GetProperty("nil_reader").EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal(expected, DockerignoreFile.Parse(null));
    }

    [Fact]
    public void Sample_patterns_are_rejected_by_the_matcher_because_of_the_lone_exclamation()
    {
        var text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(Corpus.PathOf("patternmatcher", "ignorefile-readall.dockerignore")));

        var result = PatternMatcher.Create(DockerignoreFile.Parse(text));

        Assert.False(result.Succeeded);
        Assert.Equal("DF5001", result.Error.Code);
        Assert.Equal(5, result.Error.Index);
    }
}
