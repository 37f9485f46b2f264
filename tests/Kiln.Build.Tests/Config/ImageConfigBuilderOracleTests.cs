using Kiln.Oci;

namespace Kiln.Build.Tests.Config;

/// <summary>Every captured BuildKit config is reproduced exactly: config, history strings, times, layers.</summary>
public sealed class ImageConfigBuilderOracleTests
{
    public static IEnumerable<object[]> Cases() => OracleCase.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rebuilds_the_config_BuildKit_wrote(string name)
    {
        var oracle = OracleCase.Load(name);
        var expected = OracleCase.Canonical(oracle.Expected);
        var actual = OracleCase.Canonical(oracle.Rebuild());
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_canonical_form_only_drops_what_newer_BuildKit_omits()
    {
        // BuildKit 0.8 writes "OnBuild":null (no omitempty); Kiln writes the canonical form without it, as newer
        // BuildKit (docker-image-spec's omitempty) does. Everything else is byte for byte. (stage-entrypoint-resets-cmd
        // is one of the cases still captured from 0.8.)
        var raw = File.ReadAllText(Path.Combine(OracleCase.Load("stage-entrypoint-resets-cmd").Folder, "expected.json"));
        var canonical = OracleCase.Canonical(OracleCase.Load("stage-entrypoint-resets-cmd").Expected);
        Assert.Equal(raw.Replace(",\"OnBuild\":null", string.Empty, StringComparison.Ordinal), canonical);
        Assert.NotNull(OciDocuments.ParseConfig(System.Text.Encoding.UTF8.GetBytes(canonical)).Value.Created);
    }
}
