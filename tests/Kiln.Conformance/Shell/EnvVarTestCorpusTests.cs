using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Conformance.Shell;

/// <summary>
/// <c>buildkit-shell/envVarTest</c> through <see cref="ShellWordExpander.ExpandWord"/>, as BuildKit's
/// <c>TestShellParser4EnvVars</c> runs it on Linux: <c>A</c> and <c>U</c> lines only. The two <c>W</c>
/// lines describe Windows (case-insensitive names) and are not generated at all.
/// </summary>
public sealed class EnvVarTestCorpusTests
{
    private static readonly ImmutableDictionary<string, string> Environment = EnvironmentEntries.Parse(
        ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);

    private static readonly Lazy<ImmutableArray<EnvVarLine>> Lines = new(Load);

    public static TheoryData<int, string> LinuxLines()
    {
        var data = new TheoryData<int, string>();
        foreach (var line in Lines.Value.Where(l => l.Platform != "W"))
        {
            data.Add(line.Number, line.Input);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LinuxLines))]
    public void Line_expands_as_in_BuildKit(int lineNumber, string input)
    {
        var line = Lines.Value.Single(l => l.Number == lineNumber);
        Assert.Equal(input, line.Input);

        var result = new ShellWordExpander().ExpandWord(line.Input, Environment);

        if (line.Expected == "error")
        {
            Assert.False(result.Succeeded, $"expected an error, got \"{result.Value}\"");
            Assert.Null(result.Value);
            Assert.NotNull(result.ErrorCode);
        }
        else
        {
            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(line.Expected, result.Value);
        }
    }

    [Fact]
    public void Exactly_two_Windows_only_lines_are_excluded_and_228_Linux_lines_run()
    {
        Assert.Equal(2, Lines.Value.Count(l => l.Platform == "W"));
        Assert.Equal(228, Lines.Value.Count(l => l.Platform != "W"));
        Assert.Equal(226, Lines.Value.Count(l => l.Platform == "A"));
    }

    private static ImmutableArray<EnvVarLine> Load()
    {
        var raw = ShellCorpusFile.ReadLines("envVarTest");
        var lines = ImmutableArray.CreateBuilder<EnvVarLine>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i].StartsWith('#'))
            {
                continue;
            }

            var trimmed = raw[i].Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var fields = trimmed.Split('|');
            if (fields.Length != 3)
            {
                throw new InvalidDataException($"envVarTest line {i + 1}: expected 3 fields, got {fields.Length}");
            }

            var platform = fields[0].Trim();
            if (platform is not ("A" or "U" or "W"))
            {
                throw new InvalidDataException($"envVarTest line {i + 1}: unknown platform '{platform}'");
            }

            lines.Add(new EnvVarLine(i + 1, platform, fields[1].Trim(), fields[2].Trim()));
        }

        return lines.ToImmutable();
    }

    private sealed record EnvVarLine(int Number, string Platform, string Input, string Expected);
}
