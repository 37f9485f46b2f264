namespace Kiln.Conformance.Ignore;

/// <summary>One row of <c>patternmatcher/cases.tsv</c>; <see cref="Expected"/> is <c>true</c>, <c>false</c> or <c>error</c>.</summary>
internal sealed record PatternMatcherCase(int Id, string Source, string Api, string[] Patterns, string Path, string Expected, string Platform)
{
    public override string ToString() =>
        $"{Id} {Api} [{string.Join(", ", Patterns.Select(p => "\"" + p + "\""))}] \"{Path}\" -> {Expected}";
}
