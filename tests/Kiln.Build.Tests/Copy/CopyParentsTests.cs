using Kiln.Build.Context;
using Kiln.Build.Copy;
using static Kiln.Build.Tests.Copy.CopyWorkspace;

namespace Kiln.Build.Tests.Copy;

/// <summary>
/// COPY --parents (dockerfile 1.20 made it stable), after BuildKit's testCopyParents and testCopyRelativeParents
/// (frontend/dockerfile/dockerfile_parents_test.go), with the context in the place of their base stage.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CopyParentsTests : IDisposable
{
    private readonly CopyWorkspace _w = new();

    public CopyParentsTests()
    {
        _w.File("test/a/b/c/d/foo", "foo");
        _w.File("test/a/b/c/d/e/bay", "bay");
        _w.File("test/a/b2/c/d/e/bar", "bar");
        _w.File("test/a/b/c2/d/e/baz", "baz");
        _w.File("test/a/b/c2/d/e2/baz", "baz2");
    }

    public void Dispose() => _w.Dispose();

    [Theory]
    [InlineData("middle", new[] { "/test/a/b/./c/d" }, new[] { "out/c/d/e/bay", "out/c/d/foo" })]
    [InlineData("end", new[] { "/test/a/b/c/d/." }, new[] { "out/test/a/b/c/d/e/bay", "out/test/a/b/c/d/foo" })]
    [InlineData("start", new[] { "./test/a/b/c/d" }, new[] { "out/test/a/b/c/d/e/bay", "out/test/a/b/c/d/foo" })]
    [InlineData("double", new[] { "/test/a/./b/./c" }, new[] { "out/b/c/d/e/bay", "out/b/c/d/foo" })]
    [InlineData("wildcard", new[] { "/test/a/./*/c" }, new[] { "out/b/c/d/e/bay", "out/b/c/d/foo", "out/b2/c/d/e/bar" })]
    [InlineData("doublewildcard", new[] { "/test/a/b*/./c/**/e" }, new[] { "out/c/d/e/bar", "out/c/d/e/bay" })]
    [InlineData("doubleinputs", new[] { "/test/a/b/c*/./d/**/baz", "/test/a/b*/./c/**/bar" }, new[] { "out/c/d/e/bar", "out/d/e/baz", "out/d/e2/baz" })]
    public async Task Paths_keep_their_directories_from_the_pivot_down(string name, string[] sources, string[] files)
    {
        Assert.NotEmpty(name);

        await _w.RunAsync(CopyOf("/out/", sources) with { Parents = true });

        Assert.Equal(files, Files());
        Assert.False(Directory.Exists(Path.Join(_w.Target, "out/a")));
    }

    [Fact]
    public async Task Kept_directories_have_their_own_modes_and_a_relative_destination_follows_the_workdir()
    {
        _w.Dir("foo1", 0x1C0 /* 0700 */);
        _w.Dir("foo1/foo2", 0x1C0);
        _w.File("foo1/foo2/bar", "testing", 0x180 /* 0600 */);
        _w.File("foo1/foo2/baz", "testing2", 0x180);

        await _w.RunAsync(CopyOf("/", "foo1/foo2/bar") with { Parents = true });
        await _w.RunAsync(CopyOf(".", "foo1/foo2/ba*") with { Parents = true, WorkingDirectory = "/test" });

        Assert.Equal(
            [
                "/foo1 d 0700 0:0",
                "/foo1/foo2 d 0700 0:0",
                "/foo1/foo2/bar f 0600 0:0 =testing",
                "/test d 0755 0:0",
                "/test/foo1 d 0700 0:0",
                "/test/foo1/foo2 d 0700 0:0",
                "/test/foo1/foo2/bar f 0600 0:0 =testing",
                "/test/foo1/foo2/baz f 0600 0:0 =testing2",
            ],
            _w.Tree().Where(l => !l.StartsWith("/test/a", StringComparison.Ordinal) && l != "/test/a d 0755 0:0"));
    }

    [Fact]
    public async Task A_path_without_wildcards_must_exist_and_a_digest_covers_only_what_is_kept()
    {
        var error = await Assert.ThrowsAsync<CopyException>(() => _w.RunAsync(CopyOf("/out/", "test/./nope/x") with { Parents = true }));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);

        var source = CopySourceRoot.FromContext(BuildContext.WithPatterns(_w.Context, []));
        var request = CopyOf("/out/", "test/a/./b*/c/**/e") with { Parents = true };
        var before = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);
        _w.File("test/a/b/c/d/foo", "changed, and not kept");
        var unkept = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);
        _w.File("test/a/b/c/d/e/bay", "changed");
        var kept = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);

        Assert.Equal(before, unkept);
        Assert.NotEqual(before, kept);
    }

    private string[] Files() =>
        [.. Directory.EnumerateFiles(_w.Target, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_w.Target, p)).Order(StringComparer.Ordinal)];
}
