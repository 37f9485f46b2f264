using Kiln.Dockerfile.Ignore;

namespace Kiln.Dockerfile.Tests.Ignore;

public sealed class GoPathTests
{
    public static TheoryData<string, string> CleanCases() => new()
    {
        // Already clean.
        { "abc", "abc" },
        { "abc/def", "abc/def" },
        { "a/b/c", "a/b/c" },
        { ".", "." },
        { "..", ".." },
        { "../..", "../.." },
        { "../../abc", "../../abc" },
        { "/abc", "/abc" },
        { "/", "/" },

        // Empty becomes ".".
        { "", "." },

        // Trailing slashes go.
        { "abc/", "abc" },
        { "abc/def/", "abc/def" },
        { "a/b/c/", "a/b/c" },
        { "./", "." },
        { "../", ".." },
        { "../../", "../.." },
        { "/abc/", "/abc" },
        { "**/", "**" },

        // Repeated slashes collapse.
        { "abc//def//ghi", "abc/def/ghi" },
        { "//abc", "/abc" },
        { "///abc", "/abc" },
        { "//abc//", "/abc" },
        { "abc//", "abc" },

        // "." elements go.
        { "abc/./def", "abc/def" },
        { "/./abc/def", "/abc/def" },
        { "abc/.", "abc" },
        { "./abc", "abc" },

        // ".." cancels the element before it; a rooted path cannot climb above "/".
        { "abc/def/ghi/../jkl", "abc/def/jkl" },
        { "abc/def/../ghi/../jkl", "abc/jkl" },
        { "abc/def/..", "abc" },
        { "abc/def/../..", "." },
        { "/abc/def/../..", "/" },
        { "abc/def/../../..", ".." },
        { "/abc/def/../../..", "/" },
        { "abc/def/../../../ghi/jkl/../../../mno", "../../mno" },
        { "/../abc", "/abc" },
        { "/..", "/" },
        { "abc/./../def", "def" },
        { "abc//./../def", "def" },
        { "abc/../../././../def", "../../def" },

        // Elements that merely contain dots are ordinary.
        { "...", "..." },
        { "a/.../b", "a/.../b" },
        { "..a/b..", "..a/b.." },
        { ".foo/", ".foo" },

        // "!" is not special to Clean: it is part of the first element.
        { "!docs/", "!docs" },
        { "!a/../b", "b" },
        { "!/x", "!/x" },
    };

    public static TheoryData<string, string> DirCases() => new()
    {
        { "file", "." },
        { "", "." },
        { "dir/file", "dir" },
        { "dir/file/", "dir/file" },
        { "a/b/c", "a/b" },
        { "/", "/" },
        { "/a", "/" },
        { "/any/path/there", "/any/path" },
        { "a//b", "a" },
        { "./a/b", "a" },
        { "a/./b/c", "a/b" },
        { "../a", ".." },
        { "a/../b/c", "b" },
        { "a/b/../c", "a" },
    };

    [Theory]
    [MemberData(nameof(CleanCases))]
    public void Clean_matches_go_filepath_clean(string path, string expected)
    {
        Assert.Equal(expected, GoPath.Clean(path));
        Assert.Equal(expected, ReferenceClean(path));
    }

    [Theory]
    [MemberData(nameof(CleanCases))]
    public void Clean_is_idempotent_and_is_clean_agrees(string path, string expected)
    {
        Assert.Equal(expected, GoPath.Clean(expected));
        Assert.True(GoPath.IsClean(expected));
        Assert.Equal(path == expected, GoPath.IsClean(path));
    }

    [Fact]
    public void Clean_returns_the_same_instance_for_a_clean_path()
    {
        var path = string.Concat("src/", "main.go");
        Assert.Same(path, GoPath.Clean(path));
    }

    [Fact]
    public void Clean_handles_paths_longer_than_the_stack_buffer()
    {
        var segment = new string('x', 100);
        var path = string.Join("//", Enumerable.Repeat(segment, 10)) + "/./";
        Assert.Equal(string.Join('/', Enumerable.Repeat(segment, 10)), GoPath.Clean(path));
    }

    [Theory]
    [MemberData(nameof(DirCases))]
    public void Dir_matches_go_filepath_dir(string path, string expected)
    {
        Assert.Equal(expected, GoPath.Dir(path));
        Assert.Equal(expected, GoPath.DirSpan(path).ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Clean_agrees_with_an_element_stack_reference_on_random_paths(int seed)
    {
        var random = new Random(seed);
        string[] pieces = ["a", "b", ".", "..", "/", "/", "...", ".a"];
        for (var n = 0; n < 2000; n++)
        {
            var path = string.Concat(Enumerable.Range(0, random.Next(0, 9)).Select(_ => pieces[random.Next(pieces.Length)]));
            var cleaned = GoPath.Clean(path);

            Assert.Equal(ReferenceClean(path), cleaned);
            Assert.Equal(cleaned == path, GoPath.IsClean(path));
            Assert.Equal(cleaned, GoPath.Clean(cleaned));
            Assert.Equal(GoPath.Dir(path), GoPath.DirSpan(path).ToString());
        }
    }

    /// <summary>An independent formulation of Clean: split into elements and resolve them on a stack.</summary>
    private static string ReferenceClean(string path)
    {
        var rooted = path.StartsWith('/');
        var stack = new List<string>();
        foreach (var element in path.Split('/'))
        {
            switch (element)
            {
                case "" or ".":
                    break;
                case "..":
                    if (stack.Count > 0 && stack[^1] != "..")
                    {
                        stack.RemoveAt(stack.Count - 1);
                    }
                    else if (!rooted)
                    {
                        stack.Add("..");
                    }

                    break;
                default:
                    stack.Add(element);
                    break;
            }
        }

        var result = (rooted ? "/" : string.Empty) + string.Join('/', stack);
        return result.Length == 0 ? "." : result;
    }
}
