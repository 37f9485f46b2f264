namespace Kiln.Oci.Tests;

public class ImageReferenceTests
{
    private const string Hex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    // input, full normalised form (with :latest when neither tag nor digest), registry, repository, familiar form
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36", "docker.io", "library/busybox", "busybox:1.36")]
    [InlineData("library/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "busybox:latest")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "busybox:latest")]
    [InlineData("docker.io/library/busybox:x", "docker.io/library/busybox:x", "docker.io", "library/busybox", "busybox:x")]
    [InlineData("index.docker.io/busybox", "docker.io/library/busybox:latest", "docker.io", "library/busybox", "busybox:latest")]
    [InlineData("index.docker.io/user/app", "docker.io/user/app:latest", "docker.io", "user/app", "user/app:latest")]
    [InlineData("user/app", "docker.io/user/app:latest", "docker.io", "user/app", "user/app:latest")]
    [InlineData("user/app/sub", "docker.io/user/app/sub:latest", "docker.io", "user/app/sub", "user/app/sub:latest")]
    [InlineData("docker.io/library/a/b", "docker.io/library/a/b:latest", "docker.io", "library/a/b", "library/a/b:latest")]
    [InlineData("localhost/app", "localhost/app:latest", "localhost", "app", "localhost/app:latest")]
    [InlineData("localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000", "app", "localhost:5000/app:v1")]
    [InlineData("localhost:5000", "docker.io/library/localhost:5000", "docker.io", "library/localhost", "localhost:5000")]
    [InlineData("example.com/a/b/c:tag", "example.com/a/b/c:tag", "example.com", "a/b/c", "example.com/a/b/c:tag")]
    [InlineData("example.com/app", "example.com/app:latest", "example.com", "app", "example.com/app:latest")]
    [InlineData("Example.COM/app", "Example.COM/app:latest", "Example.COM", "app", "Example.COM/app:latest")]
    [InlineData("Foo/bar", "Foo/bar:latest", "Foo", "bar", "Foo/bar:latest")]
    [InlineData("127.0.0.1:5000/app", "127.0.0.1:5000/app:latest", "127.0.0.1:5000", "app", "127.0.0.1:5000/app:latest")]
    [InlineData("[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000", "app", "[::1]:5000/app:latest")]
    [InlineData("[2001:db8::1]/team/app", "[2001:db8::1]/team/app:latest", "[2001:db8::1]", "team/app", "[2001:db8::1]/team/app:latest")]
    [InlineData("my-registry.local:443/a-b__c.d_e/f--g", "my-registry.local:443/a-b__c.d_e/f--g:latest", "my-registry.local:443", "a-b__c.d_e/f--g", "my-registry.local:443/a-b__c.d_e/f--g:latest")]
    [InlineData("busybox:UPPER_case.tag-1", "docker.io/library/busybox:UPPER_case.tag-1", "docker.io", "library/busybox", "busybox:UPPER_case.tag-1")]
    [InlineData("busybox:_x", "docker.io/library/busybox:_x", "docker.io", "library/busybox", "busybox:_x")]
    [InlineData("busybox@sha256:" + Hex, "docker.io/library/busybox@sha256:" + Hex, "docker.io", "library/busybox", "busybox@sha256:" + Hex)]
    [InlineData("busybox:1@sha256:" + Hex, "docker.io/library/busybox:1@sha256:" + Hex, "docker.io", "library/busybox", "busybox:1@sha256:" + Hex)]
    [InlineData("localhost:5000/app@sha256:" + Hex, "localhost:5000/app@sha256:" + Hex, "localhost:5000", "app", "localhost:5000/app@sha256:" + Hex)]
    [InlineData("a" + "/b", "docker.io/a/b:latest", "docker.io", "a/b", "a/b:latest")]
    [InlineData("0123456789abcdef", "docker.io/library/0123456789abcdef:latest", "docker.io", "library/0123456789abcdef", "0123456789abcdef:latest")]
    public void Valid_references_normalise_as_Docker_does(string input, string full, string registry, string repository, string familiar)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(familiar, reference.FamiliarString);
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
        Assert.Equal(reference, ImageReference.Parse(reference.FamiliarString));
    }

    [Theory]
    [InlineData("", "cannot be empty")]
    [InlineData("Busybox", "repository name (library/Busybox) must be lowercase")]
    [InlineData("docker.io/Library/busybox", "must be lowercase")]
    [InlineData("user/App:tag", "must be lowercase")]
    [InlineData(Hex, "cannot specify 64-byte hexadecimal strings")]
    [InlineData("busybox:", "tag \"\"")]
    [InlineData("busybox:-tag", "tag \"-tag\"")]
    [InlineData("busybox:.tag", "tag \".tag\"")]
    [InlineData("busybox:a/b", "\"busybox:a\" is not a valid registry")]
    [InlineData("busybox:t@g", "invalid digest \"g\"")]
    [InlineData("busybox@sha256:abc", "sha256 needs 64 lower-case hex digits")]
    [InlineData("busybox@md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm")]
    [InlineData("busybox@sha256:" + Hex + "@x", "64 lower-case hex")]
    [InlineData("a..b/c", "\"a..b\" is not a valid registry")]
    [InlineData("-a.com/c", "is not a valid registry")]
    [InlineData("a-.com/c", "is not a valid registry")]
    [InlineData("a_b.com/c", "is not a valid registry")]
    [InlineData("[::1/app", "is not a valid registry")]
    [InlineData("[::g]/app", "is not a valid registry")]
    [InlineData("[::1]x/app", "is not a valid registry")]
    [InlineData("localhost:abc/app", "is not a valid registry")]
    [InlineData("localhost:/app", "is not a valid registry")]
    [InlineData("http://example.com/app", "is not a valid registry")]
    [InlineData("foo/bar_/baz", "not a valid repository name")]
    [InlineData("foo/b___ar", "not a valid repository name")]
    [InlineData("foo/b._ar", "not a valid repository name")]
    [InlineData("foo//bar", "not a valid repository name")]
    [InlineData("foo/", "not a valid repository name")]
    [InlineData("-foo", "not a valid repository name")]
    [InlineData("foo bar", "not a valid repository name")]
    [InlineData("example.com/", "at least one component")]
    public void Invalid_references_are_refused_with_a_reason(string input, string reason)
    {
        Assert.False(ImageReference.TryParse(input, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var exception = Assert.Throws<OciFormatException>(() => ImageReference.Parse(input));
        Assert.Equal(error, exception.Message);
    }

    [Fact]
    public void Names_are_limited_to_255_characters_including_the_registry()
    {
        // "docker.io/library/" is 18 characters.
        Assert.Equal(255, ImageReference.Parse(new string('a', 237)).Name.Length);
        Assert.Contains("255", Assert.Throws<OciFormatException>(() => ImageReference.Parse(new string('a', 238))).Message, StringComparison.Ordinal);
        Assert.Contains("255", Assert.Throws<OciFormatException>(() => ImageReference.Parse("example.com/" + new string('a', 244))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_are_limited_to_128_characters()
    {
        Assert.Equal(128, ImageReference.Parse("busybox:" + new string('t', 128)).Tag!.Length);
        Assert.False(ImageReference.TryParse("busybox:" + new string('t', 129), out _, out _));
    }

    [Fact]
    public void ParseNormalized_adds_no_tag()
    {
        var reference = ImageReference.ParseNormalized("busybox");
        Assert.Null(reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal("docker.io/library/busybox", reference.ToString());
        Assert.Equal("busybox", reference.FamiliarString);
    }

    [Fact]
    public void Tag_and_digest_can_be_replaced()
    {
        var digest = Digest.Parse("sha256:" + Hex);
        var reference = ImageReference.Parse("localhost:5000/app").WithTag("v2").WithDigest(digest);
        Assert.Equal($"localhost:5000/app:v2@{digest}", reference.ToString());
        Assert.Equal(digest.ToString(), reference.TagOrDigest);
        Assert.Equal("localhost:5000/app", reference.WithoutTagOrDigest().ToString());
        Assert.Throws<OciFormatException>(() => reference.WithTag("bad tag"));
    }
}
