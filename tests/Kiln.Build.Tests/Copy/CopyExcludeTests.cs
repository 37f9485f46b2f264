using Kiln.Build.Context;
using Kiln.Build.Copy;
using static Kiln.Build.Tests.Copy.CopyWorkspace;

namespace Kiln.Build.Tests.Copy;

/// <summary>
/// COPY/ADD --exclude, after BuildKit's testExcludedFilesOnCopy (frontend/dockerfile/exclude_patterns_test.go): the
/// patterns match paths from each selected source directory, as fsutil's copy does.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CopyExcludeTests : IDisposable
{
    private readonly CopyWorkspace _w = new();

    public CopyExcludeTests()
    {
        foreach (var (path, content) in new[]
        {
            ("dir1/file-101.png", "2"), ("dir1/file-102.txt", "3"), ("dir1/file-103.jpeg", "4"),
            ("dir2/file-201.pdf", "6"), ("dir2/file-202.jpeg", "7"), ("dir2/file-203.png", "8"),
            ("dir3/file-301.mp3", "9"), ("dir3/file-302.mpeg", "10"),
        })
        {
            _w.File(path, content);
        }
    }

    public void Dispose() => _w.Dispose();

    [Theory]
    [InlineData("/1", ".", new[] { "*/*.png", "*/*.jpeg" }, new[] { "dir1/file-102.txt", "dir2/file-201.pdf", "dir3/file-301.mp3", "dir3/file-302.mpeg" })]
    [InlineData("/2", ".", new[] { "*/*.pdf", "*/*.txt" }, new[] { "dir1/file-101.png", "dir1/file-103.jpeg", "dir2/file-202.jpeg", "dir2/file-203.png", "dir3/file-301.mp3", "dir3/file-302.mpeg" })]
    [InlineData("/3/", "dir3/", new[] { "*.mp3" }, new[] { "file-302.mpeg" })]
    [InlineData("/4/", "dir*", new[] { "*.mp3", "*.jpeg", "*.png", "*.pdf", "*.txt" }, new[] { "file-302.mpeg" })]
    [InlineData("/5", "dir*", new[] { "*.mp*", "*.jpeg", "*.png", "*.pdf" }, new[] { "file-102.txt" })]
    [InlineData("/6", "dir*", new[] { "*" }, new string[0])]
    public async Task Patterns_match_paths_from_each_selected_directory(string destination, string source, string[] excludes, string[] files)
    {
        var request = CopyOf(destination, source) with { Excludes = [.. excludes] };

        await _w.RunAsync(request);

        var root = destination.TrimEnd('/').TrimStart('/');
        Assert.Equal(files.Select(f => $"{root}/{f}"), Files());
        Assert.True(Directory.Exists(Path.Join(_w.Target, root)));
    }

    [Fact]
    public async Task A_reincluded_file_brings_its_excluded_directory_back_and_only_it()
    {
        _w.File("dir1/keep/me.txt", "k");
        _w.File("dir1/keep/not.txt", "n");

        await _w.RunAsync(CopyOf("/out/", ".") with { Excludes = ["dir1", "!dir1/keep/me.txt", "dir2", "dir3"] });

        Assert.Equal(["out/dir1/keep/me.txt"], Files());
    }

    [Fact]
    public async Task A_source_named_directly_is_copied_even_if_a_pattern_matches_it_as_in_fsutil()
    {
        await _w.RunAsync(CopyOf("/out/", "dir1/file-102.txt") with { Excludes = ["*.txt"] });

        Assert.Equal(["out/file-102.txt"], Files());
    }

    [Fact]
    public async Task The_sources_digest_leaves_excluded_files_out()
    {
        var source = CopySourceRoot.FromContext(BuildContext.WithPatterns(_w.Context, []));
        var request = CopyOf("/x/", "dir1") with { Excludes = ["*.png"] };
        var before = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);

        _w.File("dir1/file-101.png", "changed");
        var excludedChanged = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);
        _w.File("dir1/file-102.txt", "changed");
        var copiedChanged = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);

        Assert.Equal(before, excludedChanged);
        Assert.NotEqual(before, copiedChanged);
    }

    [Fact]
    public async Task A_bad_pattern_is_an_error_naming_the_flag()
    {
        var error = await Assert.ThrowsAsync<CopyException>(() => _w.RunAsync(CopyOf("/x/", "dir1") with { Excludes = ["[a-"] }));

        Assert.StartsWith("COPY --exclude: ", error.Message, StringComparison.Ordinal);
    }

    private string[] Files() =>
        [.. Directory.EnumerateFiles(_w.Target, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_w.Target, p)).Order(StringComparer.Ordinal)];
}
