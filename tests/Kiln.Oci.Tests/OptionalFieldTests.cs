using System.Text;

namespace Kiln.Oci.Tests;

/// <summary>
/// Each document with only the fields the image spec requires: what it leaves out is absent, never a crash, and what
/// it requires is a clear error when missing (https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md,
/// manifest.md, image-index.md, descriptor.md).
/// </summary>
public sealed class OptionalFieldTests
{
    private const string Sha = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json.Replace("SHA", Sha, StringComparison.Ordinal));

    [Fact]
    public void A_config_with_only_architecture_os_and_rootfs_has_an_empty_container_config()
    {
        var config = OciDocuments.ParseConfig(Json("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["SHA"]}}""")).Value;

        Assert.NotNull(config.Config);
        Assert.Null(config.Config.Env);
        Assert.Null(config.Config.Cmd);
        Assert.Null(config.Config.Entrypoint);
        Assert.Null(config.Config.User);
        Assert.Null(config.Config.WorkingDir);
        Assert.Null(config.Config.Labels);
        Assert.Null(config.Config.Healthcheck);
        Assert.Null(config.Created);
        Assert.Null(config.Author);
        Assert.Null(config.History);
        Assert.Null(config.Variant);
        Assert.Null(config.OsVersion);
        Assert.Null(config.OsFeatures);
        Assert.Equal(new OciPlatform("amd64", "linux"), config.Platform);
        Assert.Equal([Digest.Parse(Sha)], config.RootFs.DiffIds.ToArray());

        // Written back, the absent object is Go's empty struct, as BuildKit and docker write it.
        Assert.Contains("\"config\":{}", Encoding.UTF8.GetString(OciDocuments.Write(config).Raw.AsSpan()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_object_and_history_entries_with_no_fields_are_empty()
    {
        var config = OciDocuments.ParseConfig(Json("""{"architecture":"amd64","os":"linux","config":{"Healthcheck":{}},"history":[{}],"rootfs":{"type":"layers","diff_ids":[]}}""")).Value;

        Assert.Null(config.Config.Healthcheck!.Test);
        var entry = Assert.Single(config.History!.Value);
        Assert.Null(entry.Created);
        Assert.Null(entry.CreatedBy);
        Assert.Null(entry.Comment);
        Assert.False(entry.EmptyLayer);
    }

    [Theory]
    [InlineData("""{"architecture":"amd64","os":"linux"}""", "rootfs is missing")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]}}""", "rootfs.type must be \"layers\"")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}""", "rootfs.diff_ids is missing")]
    [InlineData("""{"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""", "architecture and os are required")]
    public void A_config_without_a_required_field_is_refused_naming_it(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseConfig(Json(json)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_and_its_descriptors_with_only_required_fields_parse()
    {
        var manifest = OciDocuments.ParseManifest(Json("""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"SHA","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"SHA","size":2}]}""")).Value;

        Assert.Null(manifest.MediaType);
        Assert.Null(manifest.ArtifactType);
        Assert.Null(manifest.Subject);
        Assert.Null(manifest.Annotations);
        var layer = Assert.Single(manifest.Layers);
        Assert.Null(layer.Urls);
        Assert.Null(layer.Annotations);
        Assert.Null(layer.Data);
        Assert.Null(layer.Platform);
        Assert.Null(layer.ArtifactType);
    }

    [Fact]
    public void An_index_with_only_required_fields_and_a_platform_without_its_options_parses()
    {
        var index = OciDocuments.ParseIndex(Json("""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"SHA","size":3,"platform":{"architecture":"amd64","os":"linux"}}]}""")).Value;

        Assert.Null(index.MediaType);
        Assert.Null(index.Annotations);
        Assert.Null(index.Subject);
        var platform = Assert.Single(index.Manifests).Platform!;
        Assert.Null(platform.Variant);
        Assert.Null(platform.OsVersion);
        Assert.Null(platform.OsFeatures);
    }

    [Theory]
    [InlineData("""{"config":{"mediaType":"a/b","digest":"SHA","size":1},"layers":[]}""", "schemaVersion is missing")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA","size":1}}""", "layers is missing")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"SHA"},"layers":[]}""", "size")]
    [InlineData("""{"schemaVersion":2,"config":{"digest":"SHA","size":1},"layers":[]}""", "mediaType")]
    public void A_manifest_without_a_required_field_is_refused_naming_it(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseManifest(Json(json)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"manifests":[]}""", "schemaVersion is missing")]
    [InlineData("""{"schemaVersion":2}""", "manifests is missing")]
    public void An_index_without_a_required_field_is_refused_naming_it(string json, string reason)
    {
        var error = Assert.Throws<OciFormatException>(() => OciDocuments.ParseIndex(Json(json)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
