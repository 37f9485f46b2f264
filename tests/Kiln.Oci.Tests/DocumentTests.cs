using System.Text;

namespace Kiln.Oci.Tests;

public class DocumentTests
{
    [Theory]
    [InlineData("buildkit-config.json")]
    [InlineData("legacy-docker-config.json")]
    public void Config_keeps_raw_bytes_and_their_digest(string file)
    {
        var raw = TestData.Read(file);
        var document = OciDocuments.ParseConfig(raw);
        Assert.Equal(raw, document.Raw.ToArray());
        Assert.Equal(Digest.Sha256Of(raw), document.Digest);
        Assert.Equal(raw.Length, document.Size);
    }

    [Fact]
    public void BuildKit_config_is_parsed_in_full()
    {
        var config = OciDocuments.ParseConfig(TestData.Read("buildkit-config.json")).Value;
        Assert.Equal("amd64", config.Architecture);
        Assert.Equal("linux", config.Os);
        Assert.Equal("app", config.Config.User);
        Assert.Equal(["53/udp", "8080/tcp"], config.Config.ExposedPorts!);
        Assert.Equal("GREETING=<b>hi</b> & bye", config.Config.Env!.Value[1]);
        Assert.Equal<string>(["/bin/sh", "-c", "echo \"hi\""], config.Config.Cmd!.Value);
        Assert.Equal(["/data"], config.Config.Volumes!);
        Assert.Equal("https://example.com/app?x=1&y=2", config.Config.Labels!["org.opencontainers.image.source"]);
        Assert.True(config.Config.ArgsEscaped);
        var health = config.Config.Healthcheck!;
        Assert.Equal(30_000_000_000, health.Interval);
        Assert.Equal(5_000_000_000, health.Timeout);
        Assert.Equal(1_000_000_000, health.StartPeriod);
        Assert.Equal(2_000_000_000, health.StartInterval);
        Assert.Equal(3, health.Retries);
        Assert.Equal<string>(["RUN echo onbuild"], config.Config.OnBuild!.Value);
        Assert.Equal<string>(["/bin/bash", "-c"], config.Config.Shell!.Value);
        Assert.Equal(4, config.History!.Value.Length);
        Assert.True(config.History.Value[1].EmptyLayer);
        Assert.Equal(89, config.Created!.Value.SubTickNanoseconds);
        Assert.Equal(2, config.RootFs.DiffIds.Length);
    }

    [Theory]
    [InlineData("buildkit-config.json")]
    public void A_config_BuildKit_wrote_is_reproduced_byte_for_byte(string file)
    {
        var raw = TestData.Read(file);
        var config = OciDocuments.ParseConfig(raw).Value;
        Assert.Equal(Encoding.UTF8.GetString(raw), Encoding.UTF8.GetString(OciDocuments.Write(config).Raw.AsSpan()));
    }

    /// <summary>
    /// Captured from the lab's dockerd 20.10 (DOCKER_BUILDKIT=1) on 2026-11-28. Its BuildKit (v0.8) declared
    /// OnBuild without omitempty and writes <c>"OnBuild":null</c>; current BuildKit (docker-image-spec's
    /// DockerOCIImageConfigExt) omits an empty OnBuild, and so do we. Everything else is byte for byte.
    /// </summary>
    [Fact]
    public void A_config_docker_20_10_BuildKit_wrote_is_reproduced_but_for_its_null_OnBuild()
    {
        var raw = TestData.Read("buildkit-docker20.10-config.json");
        var config = OciDocuments.ParseConfig(raw).Value;

        var expected = Encoding.UTF8.GetString(raw);
        Assert.Contains(",\"OnBuild\":null", expected, StringComparison.Ordinal);
        Assert.Equal(expected.Replace(",\"OnBuild\":null", "", StringComparison.Ordinal), Encoding.UTF8.GetString(OciDocuments.Write(config).Raw.AsSpan()));
    }

    [Theory]
    [InlineData("oci-manifest.json")]
    public void An_OCI_manifest_in_Go_form_is_reproduced_byte_for_byte(string file)
    {
        var raw = TestData.Read(file);
        var manifest = OciDocuments.ParseManifest(raw).Value;
        Assert.Equal(Encoding.UTF8.GetString(raw), Encoding.UTF8.GetString(OciDocuments.Write(manifest).Raw.AsSpan()));
    }

    [Fact]
    public void An_OCI_index_in_Go_form_is_reproduced_byte_for_byte()
    {
        var raw = TestData.Read("buildkit-index.json");
        var index = OciDocuments.ParseIndex(raw).Value;
        Assert.Equal(4, index.Manifests.Length);
        Assert.Equal("attestation-manifest", index.Manifests[3].Annotations!["vnd.docker.reference.type"]);
        Assert.Equal(Encoding.UTF8.GetString(raw), Encoding.UTF8.GetString(OciDocuments.Write(index).Raw.AsSpan()));
    }

    [Fact]
    public void Docker_manifest_as_a_registry_serves_it()
    {
        var raw = TestData.Read("docker-manifest.json");
        var document = OciDocuments.ParseManifest(raw);
        Assert.Equal(MediaTypes.DockerManifest, document.Value.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, document.Value.Config.MediaType);
        Assert.Equal(1472, document.Value.Config.Size);
        Assert.Equal(MediaTypes.DockerLayerGzip, Assert.Single(document.Value.Layers).MediaType);
        Assert.Equal(Digest.Sha256Of(raw), document.Digest);
        Assert.Equal(MediaTypes.DockerManifest, OciDocuments.DetectManifestMediaType(raw));
    }

    [Fact]
    public void Docker_manifest_list_with_unknown_fields_parses()
    {
        var raw = TestData.Read("docker-manifest-list.json");
        var index = OciDocuments.ParseIndex(raw).Value;
        Assert.Equal(MediaTypes.DockerManifestList, index.MediaType);
        Assert.Equal("10.0.17763.5576", index.Manifests[3].Platform!.OsVersion);
        Assert.Equal(MediaTypes.DockerManifestList, OciDocuments.DetectManifestMediaType(raw));
    }

    [Fact]
    public void Legacy_docker_config_with_many_unmodelled_fields_parses()
    {
        var config = OciDocuments.ParseConfig(TestData.Read("legacy-docker-config.json")).Value;
        Assert.Equal<string>(["sh"], config.Config.Cmd!.Value);
        Assert.Null(config.Config.Entrypoint);
        Assert.Empty(config.Config.Labels!);
        Assert.Equal("2023-07-18T23:19:33.655005962Z", config.Created.ToString());
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", MediaTypes.OciIndex)]
    [InlineData("""{"schemaVersion":2,"config":{},"layers":[]}""", MediaTypes.OciManifest)]
    [InlineData("""{"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}""", MediaTypes.DockerManifest)]
    public void Media_type_is_detected_when_the_transport_does_not_say(string json, string expected) =>
        Assert.Equal(expected, OciDocuments.DetectManifestMediaType(Encoding.UTF8.GetBytes(json)));

    private const string Sha = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Theory]
    [InlineData("""{"schemaVersion":1,"config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":[]}""", "schemaVersion is 1")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":[]}""", "mediaType is")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":[],"manifests":[]}""", "index in disguise")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":-1},"layers":[]}""", "size is -1")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:abc","size":1},"layers":[]}""", "64 lower-case hex")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"not a type","digest":"SHA","size":1},"layers":[]}""", "is not a media type")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","size":1},"layers":[]}""", "digest")]
    [InlineData("""{"schemaVersion":2,"layers":[]}""", "config")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":1},"config":{"mediaType":"a/b","digest":"SHA","size":2},"layers":[]}""", "uplicate")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":null}""", "layers")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":1,"data":"aGVsbG8="},"layers":[]}""", "data does not match")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":[]}""", "Docker schema 2")]
    [InlineData("""[1,2]""", "invalid image manifest")]
    [InlineData("""{"schemaVersion":2,""", "invalid image manifest")]
    [InlineData("""not json""", "invalid image manifest")]
    public void Bad_manifests_are_refused_with_a_reason(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseManifest(Encoding.UTF8.GetBytes(json.Replace("SHA", Sha, StringComparison.Ordinal))));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_data_that_matches_is_accepted()
    {
        // sha256("hello") and size 5.
        var json = """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":5,"data":"aGVsbG8="},"layers":[]}""".Replace("SHA", Sha, StringComparison.Ordinal);
        var manifest = OciDocuments.ParseManifest(Encoding.UTF8.GetBytes(json)).Value;
        Assert.Equal("hello"u8.ToArray(), manifest.Config.Data!.Value.ToArray());
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[],"layers":[]}""", "manifest in disguise")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]}""", "mediaType is")]
    [InlineData("""{"schemaVersion":3,"manifests":[]}""", "schemaVersion is 3")]
    [InlineData("""{"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":"SHA","size":1,"platform":{"architecture":"amd64"}}]}""", "platform")]
    [InlineData("""{"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":"SHA","size":1,"platform":{"architecture":"","os":"linux"}}]}""", "platform needs both")]
    public void Bad_indexes_are_refused_with_a_reason(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseIndex(Encoding.UTF8.GetBytes(json.Replace("SHA", Sha, StringComparison.Ordinal))));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"type":"tar","diff_ids":[]}}""", "rootfs.type")]
    [InlineData("""{"architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}""", "architecture and os")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:1"]}}""", "64 lower-case hex")]
    [InlineData("""{"architecture":"amd64","os":"linux","created":"yesterday","rootfs":{"type":"layers","diff_ids":[]}}""", "RFC 3339")]
    [InlineData("""{"architecture":"amd64","os":"linux","config":{"Labels":{"a":"1","a":"2"}},"rootfs":{"type":"layers","diff_ids":[]}}""", "duplicate key")]
    [InlineData("""{"architecture":"amd64","os":"linux","config":{"Labels":{"a":1}},"rootfs":{"type":"layers","diff_ids":[]}}""", "must be a string")]
    [InlineData("""{"architecture":"amd64","os":"linux","config":{"ExposedPorts":{"80/tcp":1}},"rootfs":{"type":"layers","diff_ids":[]}}""", "must be an object")]
    [InlineData("""{"architecture":"amd64","os":"linux","config":{"Healthcheck":{"Interval":-1}},"rootfs":{"type":"layers","diff_ids":[]}}""", "negative")]
    [InlineData("""{"architecture":"amd64","os":"linux","config":null,"rootfs":{"type":"layers","diff_ids":[]}}""", "invalid image config")]
    public void Bad_configs_are_refused_with_a_reason(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseConfig(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_and_diff_ids_must_pair_up()
    {
        var manifest = OciDocuments.ParseManifest(TestData.Read("oci-manifest.json")).Value;
        var config = OciDocuments.ParseConfig(TestData.Read("buildkit-config.json")).Value;
        OciDocuments.ValidateImage(manifest, config);
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ValidateImage(manifest with { Layers = manifest.Layers.RemoveAt(0) }, config));
        Assert.Contains("1 layer(s) in its manifest but 2 diff_id(s)", error.Message, StringComparison.Ordinal);
    }
}
