using System.Text;

namespace Kiln.Oci.Tests;

public class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/x86-64", "linux/amd64")]
    [InlineData("linux/amd64/v1", "linux/amd64")]
    [InlineData("linux/amd64/v3", "linux/amd64/v3")]
    [InlineData("LINUX/AMD64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm64", "linux/arm64/v8")]
    [InlineData("linux/arm64/8", "linux/arm64/v8")]
    [InlineData("linux/arm64/v8.0", "linux/arm64/v8")]
    [InlineData("linux/arm64/v9.0", "linux/arm64/v9")]
    [InlineData("linux/arm64/v8.2", "linux/arm64/v8.2")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/7", "linux/arm/v7")]
    [InlineData("linux/arm/6", "linux/arm/v6")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/armel", "linux/arm/v6")]
    [InlineData("linux/i386", "linux/386")]
    [InlineData("macos/arm64", "darwin/arm64/v8")]
    [InlineData("windows/amd64", "windows/amd64")]
    [InlineData("linux/s390x", "linux/s390x")]
    [InlineData("arm64", "linux/arm64/v8")]
    [InlineData("amd64", "linux/amd64")]
    [InlineData("riscv64", "linux/riscv64")]
    public void Specifiers_are_parsed_and_normalised(string specifier, string expected) =>
        Assert.Equal(expected, OciPlatform.Parse(specifier).ToString());

    [Fact]
    public void A_lone_os_takes_the_host_architecture()
    {
        var platform = OciPlatform.Parse("linux");
        Assert.Equal(OciPlatform.Host.Architecture, platform.Architecture);
        Assert.Equal("linux", platform.Os);
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux/")]
    [InlineData("/amd64")]
    [InlineData("linux/amd64/v1/x")]
    [InlineData("frobnicator")]
    [InlineData("linux/am d64")]
    [InlineData("linux/amd64/v1?")]
    public void Bad_specifiers_are_refused(string specifier)
    {
        Assert.False(OciPlatform.TryParse(specifier, out _, out var error));
        Assert.Contains("platform", error, StringComparison.Ordinal);
        Assert.Throws<OciFormatException>(() => OciPlatform.Parse(specifier));
    }

    [Theory]
    [InlineData("linux/arm64", "linux/arm64/v8,linux/arm/v8,linux/arm/v7,linux/arm/v6,linux/arm/v5")]
    [InlineData("linux/arm64/v8.2", "linux/arm64/v8.2,linux/arm64/v8.1,linux/arm64/v8,linux/arm/v8,linux/arm/v7,linux/arm/v6,linux/arm/v5")]
    [InlineData("linux/arm64/v9.1", "linux/arm64/v9.1,linux/arm64/v9,linux/arm64/v8.6,linux/arm64/v8.5,linux/arm64/v8.4,linux/arm64/v8.3,linux/arm64/v8.2,linux/arm64/v8.1,linux/arm64/v8,linux/arm/v8,linux/arm/v7,linux/arm/v6,linux/arm/v5")]
    [InlineData("linux/arm/v7", "linux/arm/v7,linux/arm/v6,linux/arm/v5")]
    [InlineData("linux/arm/v5", "linux/arm/v5")]
    [InlineData("linux/amd64", "linux/amd64,linux/386")]
    [InlineData("linux/amd64/v3", "linux/amd64/v3,linux/amd64/v2,linux/amd64,linux/386")]
    [InlineData("linux/s390x", "linux/s390x")]
    public void Preferences_follow_containerd(string wanted, string expected) =>
        Assert.Equal(expected, string.Join(',', new PlatformMatcher(OciPlatform.Parse(wanted)).Preferences));

    private static ImageIndex Index(params string?[] platforms)
    {
        var manifests = platforms.Select((p, i) => new Descriptor(MediaTypes.OciManifest, Digest.Sha256Of(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), 100)
        {
            Platform = p is null ? null : Platform(p),
        });
        return new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [.. manifests] };
    }

    // Index entries as registries really carry them: not normalised ("arm64" without variant, "arm/v8" etc.).
    private static OciPlatform Platform(string text)
    {
        var parts = text.Split('/');
        return new OciPlatform(parts[1], parts[0]) { Variant = parts.Length > 2 ? parts[2] : null };
    }

    private static string? Chosen(ImageIndex index, string wanted)
    {
        var descriptor = new PlatformMatcher(OciPlatform.Parse(wanted)).SelectManifest(index);
        return descriptor?.Platform?.ToString() ?? (descriptor is null ? null : "(none)");
    }

    [Theory]
    [InlineData("linux/arm64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/arm/v7", "linux/arm/v7")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/v8", "linux/arm/v7")]
    [InlineData("linux/arm/v6", "linux/arm/v6")]
    [InlineData("linux/arm/v5", null)]
    [InlineData("linux/s390x", null)]
    [InlineData("windows/amd64", null)]
    public void Best_manifest_of_a_multi_platform_index(string wanted, string? expected) =>
        Assert.Equal(expected, Chosen(Index("linux/amd64", "linux/arm64", "linux/arm/v6", "linux/arm/v7", "unknown/unknown"), wanted));

    [Fact]
    public void Exact_variant_is_preferred_over_an_earlier_compatible_one()
    {
        var index = Index("linux/arm/v5", "linux/arm/v6", "linux/arm/v7");
        Assert.Equal("linux/arm/v7", Chosen(index, "linux/arm/v7"));
        Assert.Equal("linux/arm/v6", Chosen(index, "linux/arm/v6"));
    }

    [Fact]
    public void Arm64_falls_back_to_32_bit_arm()
    {
        Assert.Equal("linux/arm/v7", Chosen(Index("linux/amd64", "linux/arm/v6", "linux/arm/v7"), "linux/arm64"));
        Assert.Equal("linux/arm64/v8", Chosen(Index("linux/arm/v7", "linux/arm64/v8"), "linux/arm64"));
    }

    [Fact]
    public void Amd64_microarchitecture_levels_and_386()
    {
        Assert.Equal("linux/amd64/v2", Chosen(Index("linux/amd64", "linux/amd64/v2", "linux/amd64/v4"), "linux/amd64/v3"));
        Assert.Equal("linux/amd64", Chosen(Index("linux/amd64", "linux/amd64/v3"), "linux/amd64"));
        Assert.Equal("linux/386", Chosen(Index("linux/386"), "linux/amd64"));
        Assert.Null(Chosen(Index("linux/amd64"), "linux/386"));
    }

    [Fact]
    public void Ties_go_to_the_first_entry_and_entries_without_platform_come_last()
    {
        var index = Index([null, "linux/amd64", "linux/amd64"]);
        var candidates = new PlatformMatcher(OciPlatform.Parse("linux/amd64")).Candidates(index);
        Assert.Equal<Descriptor>([index.Manifests[1], index.Manifests[2], index.Manifests[0]], candidates);
        Assert.Equal("(none)", Chosen(Index([null]), "linux/amd64"));
    }

    [Fact]
    public void Docker_manifest_list_from_test_data()
    {
        var index = OciDocuments.ParseIndex(TestData.Read("docker-manifest-list.json")).Value;
        Assert.Equal("linux/arm64", Chosen(index, "linux/arm64"));
        Assert.Equal("linux/arm/v6", Chosen(index, "linux/arm/v7"));
        Assert.Equal("windows/amd64", Chosen(index, "windows/amd64"));
    }

    [Fact]
    public void Non_manifest_entries_are_skipped()
    {
        var index = new ImageIndex
        {
            Manifests = [new Descriptor("application/vnd.example.sbom+json", Digest.Sha256Of("s"u8), 1) { Platform = new OciPlatform("amd64", "linux") }],
        };
        Assert.Null(new PlatformMatcher(OciPlatform.Parse("linux/amd64")).SelectManifest(index));
    }
}
