using System.Collections.Immutable;
using System.Text;

namespace Kiln.Oci.Tests;

public class CanonicalJsonTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    // Expected values are what Go 1.22+ encoding/json.Marshal writes for the same string.
    [Theory]
    [InlineData("\"plain\"", "\"plain\"")]
    [InlineData("\"<a href=\\\"x\\\">&amp;</a>\"", "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\"")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0000\\u001f\\u001B\"", "\"\\u0000\\u001f\\u001b\"")]
    [InlineData("\"\\u007f\"", "\"\u007f\"")]
    [InlineData("\"\\u2028\\u2029\"", "\"\\u2028\\u2029\"")]
    [InlineData("\"caf\\u00e9 \\ud83d\\ude00 +'/\"", "\"café 😀 +'/\"")]
    [InlineData("\"back\\\\slash \\/ solidus\"", "\"back\\\\slash / solidus\"")]
    [InlineData("{ \"b\" : [ 1 , true , null , -2.5e3 ] , \"a\" : { } }", "{\"b\":[1,true,null,-2.5e3],\"a\":{}}")]
    [InlineData("[]", "[]")]
    public void Strings_and_layout_follow_Go(string input, string expected) => Assert.Equal(expected, Canonical(input));

    [Fact]
    public void Empty_values_are_omitted_as_omitempty_does_but_required_fields_stay()
    {
        var config = new ImageConfig
        {
            Architecture = "arm64",
            Os = "linux",
            Variant = "",
            Author = "",
            History = [],
            Config = new ContainerConfig { Env = [], Labels = ImmutableSortedDictionary<string, string>.Empty, ArgsEscaped = false, Cmd = default(ImmutableArray<string>) },
        };
        Assert.Equal("""{"architecture":"arm64","config":{},"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(config)));
    }

    [Fact]
    public void Manifest_keeps_empty_layers_and_Go_field_order()
    {
        var digest = Digest.Sha256Of("x"u8);
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor(MediaTypes.OciEmpty, digest, 2),
            Annotations = ImmutableSortedDictionary<string, string>.Empty.Add("b", "2").Add("a", "1"),
            ArtifactType = "application/x.test",
        };
        Assert.Equal(
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}","artifactType":"application/x.test","config":{"mediaType":"{{{MediaTypes.OciEmpty}}}","digest":"{{{digest}}}","size":2},"layers":[],"annotations":{"a":"1","b":"2"}}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(manifest)));
    }

    [Fact]
    public void Map_keys_are_in_UTF8_byte_order_like_Go()
    {
        // Ordinal UTF-16 order would put the emoji (a surrogate pair) before U+E000; Go's byte order puts it after.
        var labels = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)
            .Add("a", "1").Add("B", "2").Add("\uE000", "3").Add("😀", "4").Add("a.b", "5").Add("a-b", "6");
        var config = new ImageConfig { Architecture = "amd64", Os = "linux", Config = new ContainerConfig { Labels = labels } };
        var json = Encoding.UTF8.GetString(CanonicalJson.Serialize(config));
        Assert.Contains("{\"Labels\":{\"B\":\"2\",\"a\":\"1\",\"a-b\":\"6\",\"a.b\":\"5\",\"\uE000\":\"3\",\"😀\":\"4\"}}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_and_volumes_are_written_as_Go_sets()
    {
        var config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Config = new ContainerConfig
            {
                ExposedPorts = ["8080/tcp", "53/udp"],
                Volumes = ["/var/lib/data"],
                Healthcheck = new HealthcheckConfig { Test = ["NONE"] },
            },
        };
        Assert.Contains("""{"ExposedPorts":{"53/udp":{},"8080/tcp":{}},"Volumes":{"/var/lib/data":{}},"Healthcheck":{"Test":["NONE"]}}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(config)), StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_values_give_equal_digests()
    {
        ImageConfig Make() => new()
        {
            Architecture = "amd64",
            Os = "linux",
            Created = OciTimestamp.FromUnixSeconds(1_700_000_000),
            Config = new ContainerConfig { Env = ["A=1"], Labels = ImmutableSortedDictionary<string, string>.Empty.Add("z", "1").Add("y", "2") },
            RootFs = new RootFs { DiffIds = [Digest.Sha256Of("layer"u8)] },
            History = [new HistoryEntry { CreatedBy = "RUN x", Comment = "buildkit.dockerfile.v0" }],
        };
        Assert.Equal(OciDocuments.Write(Make()).Digest, OciDocuments.Write(Make()).Digest);
        Assert.Contains("\"created\":\"2023-11-14T22:13:20Z\"", Encoding.UTF8.GetString(OciDocuments.Write(Make()).Raw.AsSpan()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character()
    {
        // No Go string holds a lone UTF-16 surrogate; System.Text.Json replaces it with U+FFFD, which is valid
        // UTF-8 and written raw, as Go writes a real U+FFFD.
        var config = new ImageConfig { Architecture = "amd64", Os = "linux", Config = new ContainerConfig { User = "a\uD800b" } };
        var json = CanonicalJson.Serialize(config);
        Assert.Contains("\"User\":\"a\uFFFDb\"", new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(json), StringComparison.Ordinal);
    }
}
