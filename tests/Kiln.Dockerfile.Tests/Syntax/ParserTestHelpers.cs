using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Syntax;

internal static class ParserTestHelpers
{
    /// <summary>Parses and returns the dump lines, asserting there was no error.</summary>
    public static string DumpOf(string text)
    {
        var syntax = DockerfileParser.Parse(text);
        Assert.False(syntax.HasErrors, string.Join("\n", syntax.Diagnostics));
        return AstDump.Dump(syntax);
    }

    /// <summary>Element-wise comparison (an ImmutableArray would otherwise be compared as a value).</summary>
    public static void SequenceEqual<T>(IEnumerable<T> expected, IEnumerable<T> actual) => Assert.Equal(expected, actual);
}
