using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Dockerfile.Instructions;
using static Kiln.Build.Tests.Copy.CopyWorkspace;

namespace Kiln.Build.Tests.Copy;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CopyExecutorTests
{
    [Fact]
    public async Task File_to_file_takes_the_destination_name()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        await w.RunAsync(CopyOf("/b.txt", "a.txt"));
        Assert.Equal(["/b.txt f 0644 =A"], w.Tree(owners: false));
    }

    [Fact]
    public async Task File_to_directory_with_trailing_slash_creates_it_and_keeps_the_name()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A", 0x1ED);
        await w.RunAsync(CopyOf("/dir/sub/", "a.txt"));
        Assert.Equal(["/dir d 0755", "/dir/sub d 0755", "/dir/sub/a.txt f 0755 =A"], w.Tree(owners: false));
    }

    [Fact]
    public async Task File_to_an_existing_directory_without_slash_goes_inside()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        Directory.CreateDirectory(Path.Join(w.Target, "existing"));
        File.SetUnixFileMode(Path.Join(w.Target, "existing"), (UnixFileMode)0x1ED);
        await w.RunAsync(CopyOf("/existing", "a.txt"));
        Assert.Equal(["/existing d 0755", "/existing/a.txt f 0644 =A"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Relative_destination_is_under_workdir_and_dot_is_a_directory()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        w.File("b.txt", "B");
        await w.RunAsync(CopyOf(".", "a.txt", "b.txt") with { WorkingDirectory = "/work" });
        Assert.Equal(["/work d 0755", "/work/a.txt f 0644 =A", "/work/b.txt f 0644 =B"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Directory_source_copies_its_contents_with_modes_symlinks_and_mtimes()
    {
        using var w = new CopyWorkspace();
        w.File("src/x.txt", "X");
        w.File("src/sub/y.sh", "Y", 0x1ED);
        w.Dir("src/sub", 0x1E8); // 0750
        w.Symlink("src/sub/link", "../x.txt");
        w.Symlink("src/etc-link", "/etc");
        var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Join(w.Context, "src/x.txt"), mtime);
        await w.RunAsync(CopyOf("/app", "src"));
        Assert.Equal(
            [
                "/app d 0755",
                "/app/etc-link l 0777 -> /etc",
                "/app/sub d 0750",
                "/app/sub/link l 0777 -> ../x.txt",
                "/app/sub/y.sh f 0755 =Y",
                "/app/x.txt f 0644 =X",
            ],
            w.Tree(owners: false));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Join(w.Target, "app/x.txt")));
    }

    [Fact]
    public async Task Wildcards_follow_go_filepath_match()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        w.File("b.txt", "B");
        w.File("c.md", "C");
        w.File("d/e.txt", "E");
        w.File("*.lit", "L");
        await w.RunAsync(CopyOf("/out/", "*.txt"));
        await w.RunAsync(CopyOf("/cls/", "[!a].txt", "[^a].txt"));
        await w.RunAsync(CopyOf("/nested/", "?/*.txt"));
        await w.RunAsync(CopyOf("/escaped/", "\\*.l?t"));
        var literal = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x/", "\\*.lit")));
        Assert.Contains("not found", literal.Message, StringComparison.Ordinal); // no unescaped wildcard: a literal name, as in BuildKit
        Assert.Equal(
            [
                "/cls d 0755",
                "/cls/a.txt f 0644 =A", // Go classes negate with ^ only: [!a] is "! or a"
                "/cls/b.txt f 0644 =B",
                "/escaped d 0755",
                "/escaped/*.lit f 0644 =L",
                "/nested d 0755",
                "/nested/e.txt f 0644 =E",
                "/out d 0755",
                "/out/a.txt f 0644 =A",
                "/out/b.txt f 0644 =B",
            ],
            w.Tree(owners: false));
    }

    [Fact]
    public async Task Wildcard_matching_nothing_copies_nothing_like_buildkit()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        var result = await w.RunAsync(CopyOf("/out/", "*.none"));
        Assert.Equal(0, result.Entries);
        Assert.Empty(w.Tree());
        await w.RunAsync(CopyOf("/out/", "*.none", "a.txt"));
        Assert.Equal(["/out d 0755", "/out/a.txt f 0644 =A"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Several_sources_need_a_directory_destination()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        w.File("b.txt", "B");
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/dest", "a.txt", "b.txt")));
        Assert.Equal("When using COPY with more than one source file, the destination must be a directory and end with a /", error.Message);
        error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(AddOf("/dest", "*.txt")));
        Assert.StartsWith("When using ADD with more than one source file", error.Message, StringComparison.Ordinal);
        Assert.Empty(w.Tree());
    }

    [Fact]
    public async Task Several_directories_merge_their_contents_into_a_destination_without_a_slash_as_in_buildkit()
    {
        using var w = new CopyWorkspace();
        w.File("dir1/a", "A");
        w.File("dir2/b", "B");

        await w.RunAsync(CopyOf("/5", "dir*"));

        Assert.Equal(["/5 d 0755", "/5/a f 0644 =A", "/5/b f 0644 =B"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Missing_source_is_an_error_naming_it()
    {
        using var w = new CopyWorkspace();
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "missing.txt")));
        Assert.Equal("\"/missing.txt\": not found", error.Message);
        error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x/", "nodir/*.txt")));
        Assert.Contains("\"/nodir\": not found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("sub/../../outside.txt")]
    [InlineData("/../outside.txt")]
    public async Task Sources_climbing_out_of_the_context_are_forbidden(string source)
    {
        using var w = new CopyWorkspace();
        w.File("sub/a.txt", "A");
        File.WriteAllText(Path.Join(w.Root, "outside.txt"), "secret");
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", source)));
        Assert.Equal($"forbidden path outside the build context: {source}", error.Message);
        Assert.Empty(w.Tree());
    }

    [Fact]
    public async Task A_context_symlink_to_etc_resolves_inside_the_context()
    {
        using var w = new CopyWorkspace();
        w.Symlink("etclink", "/etc");
        w.Symlink("up", "../../..");
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "etclink/passwd")));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "up/outside.txt")));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);

        // Followed inside the context: "/etc" there is the context's own etc.
        w.File("etc/passwd", "context-passwd");
        await w.RunAsync(CopyOf("/copied", "etclink/passwd"));
        Assert.Equal(["/copied f 0644 =context-passwd"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Destination_symlinks_cannot_write_outside_the_target()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        var outside = Path.Join(w.Root, "victim");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Join(w.Target, "escape"), outside);
        File.CreateSymbolicLink(Path.Join(w.Target, "dots"), "../../victim");
        await w.RunAsync(CopyOf("/escape/", "a.txt"));
        await w.RunAsync(CopyOf("/dots/sub/", "a.txt"));
        await w.RunAsync(CopyOf("/../../victim/b.txt", "a.txt"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.True(File.Exists(Path.Join(w.Target, w.Root.TrimStart('/'), "victim/a.txt")) || File.Exists(Path.Join(w.Target, "victim/a.txt")));
    }

    [Fact]
    public async Task Dockerignore_hides_files_and_exceptions_bring_them_back()
    {
        using var w = new CopyWorkspace();
        w.File("app/main.go", "M");
        w.File("app/x.log", "L");
        w.File("app/keep.log", "K");
        w.File("secret/key", "S");
        w.File("docs/a.md", "D");
        w.File("docs/api/b.md", "B");
        string[] ignore = ["**/*.log", "!app/keep.log", "secret", "docs", "!docs/api"];
        await w.RunAsync(CopyOf("/ctx", "."), ignore);
        Assert.Equal(
            [
                "/ctx d 0755",
                "/ctx/app d 0755",
                "/ctx/app/keep.log f 0644 =K",
                "/ctx/app/main.go f 0644 =M",
                "/ctx/docs d 0755",
                "/ctx/docs/api d 0755",
                "/ctx/docs/api/b.md f 0644 =B",
            ],
            w.Tree(owners: false));
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/s", "secret/key"), ignore));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        await w.RunAsync(CopyOf("/logs/", "app/*.log"), ignore);
        Assert.Contains("/logs/keep.log f 0644 =K", w.Tree(owners: false));
        Assert.DoesNotContain("/logs/x.log f 0644 =L", w.Tree(owners: false));
    }

    [Fact]
    public async Task Context_files_are_owned_by_root_without_chown()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        using var w = new CopyWorkspace();
        var path = w.File("a.txt", "A");
        File.SetUnixFileMode(path, (UnixFileMode)0x1A4);
        await Chown(path, 1234, 5678);
        await w.RunAsync(CopyOf("/a.txt", "a.txt"));
        Assert.Equal(["/a.txt f 0644 0:0 =A"], w.Tree());
    }

    [Fact]
    public async Task Chown_by_name_and_id_resolves_in_the_target_root_and_owns_created_parents_and_user_colon_means_the_default_group()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        using var w = new CopyWorkspace();
        w.TargetFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1000:1001:App:/home/app:/bin/sh\n");
        w.TargetFile("etc/group", "root:x:0:\nstaff:x:50:app\n");
        w.File("src/a.txt", "A");
        await w.RunAsync(CopyOf("/home/app/", "src") with { Chown = "app" });
        await w.RunAsync(CopyOf("/g/", "src/a.txt") with { Chown = "app:staff" });
        await w.RunAsync(CopyOf("/n/", "src/a.txt") with { Chown = "1234" });
        await w.RunAsync(CopyOf("/m/", "src/a.txt") with { Chown = "77:staff" });
        await w.RunAsync(CopyOf("/p/", "src/a.txt") with { Chown = "app:" });
        await w.RunAsync(CopyOf("/q/", "src/a.txt") with { Chown = "55:" });
        Assert.Equal(
            [
                "/g d 0755 1000:50",
                "/g/a.txt f 0644 1000:50 =A",
                "/home d 0755 1000:1001",
                "/home/app d 0755 1000:1001",
                "/home/app/a.txt f 0644 1000:1001 =A",
                "/m d 0755 77:50",
                "/m/a.txt f 0644 77:50 =A",
                "/n d 0755 1234:1234",
                "/n/a.txt f 0644 1234:1234 =A",
                "/p d 0755 1000:1001",
                "/p/a.txt f 0644 1000:1001 =A",
                "/q d 0755 55:55",
                "/q/a.txt f 0644 55:55 =A",
            ],
            w.Tree());
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "src/a.txt") with { Chown = "nobody" }));
        Assert.Equal("unable to find user nobody: no matching entries in passwd file", error.Message);
        error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "src/a.txt") with { Chown = "app:wheel" }));
        Assert.Equal("unable to find group wheel: no matching entries in group file", error.Message);
    }

    [Fact]
    public async Task Chown_of_a_group_alone_keeps_root_as_the_owner_as_buildkit_does()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        using var w = new CopyWorkspace();
        w.TargetFile("etc/group", "root:x:0:\nstaff:x:50:\n");
        w.File("a.txt", "A");

        await w.RunAsync(CopyOf("/g/", "a.txt") with { Chown = ":staff" });
        await w.RunAsync(CopyOf("/n/", "a.txt") with { Chown = ":4321" });
        await w.RunAsync(AddOf("/add/", "a.txt") with { Chown = ":staff" });

        Assert.Equal(
            ["/add d 0755 0:50", "/add/a.txt f 0644 0:50 =A", "/g d 0755 0:50", "/g/a.txt f 0644 0:50 =A", "/n d 0755 0:4321", "/n/a.txt f 0644 0:4321 =A"],
            w.Tree().Where(line => !line.StartsWith("/etc", StringComparison.Ordinal)));
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "a.txt") with { Chown = ":" }));
        Assert.Equal("invalid --chown value \":\": expected user[:group] or :group", error.Message);
    }

    [Theory]
    [InlineData("4294967295", "invalid id 4294967295 in \"4294967295\": uids and gids must be in range 0-2147483647")]
    [InlineData("2147483648", "invalid id 2147483648 in \"2147483648\": uids and gids must be in range 0-2147483647")]
    [InlineData("1:4294967295", "invalid id 4294967295 in \"1:4294967295\": uids and gids must be in range 0-2147483647")]
    [InlineData("0:4294967296", "invalid id 4294967296 in \"0:4294967296\": uids and gids must be in range 0-2147483647")]
    [InlineData("-1", "invalid id -1 in \"-1\": uids and gids must be in range 0-2147483647")]
    [InlineData("wrap", "wrap in /etc/passwd has the id 4294967295: uids and gids must be in range 0-2147483647")]
    [InlineData("1:wrapped", "wrapped in /etc/group has the id 4294967295: uids and gids must be in range 0-2147483647")]
    public async Task Chown_ids_out_of_range_are_errors_never_root(string chown, string message)
    {
        using var w = new CopyWorkspace();
        w.TargetFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwrap:x:4294967295:0::/:/bin/sh\n");
        w.TargetFile("etc/group", "root:x:0:\nwrapped:x:4294967295:\n");
        w.File("a.txt", "A");

        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/x", "a.txt") with { Chown = chown }));

        Assert.Equal(message, error.Message);
        Assert.False(File.Exists(Path.Join(w.Target, "x")));
    }

    [Fact]
    public async Task Chown_root_is_id_0_whatever_the_passwd_file_says_as_in_buildkit()
    {
        using var w = new CopyWorkspace();
        w.File("a.txt", "A");
        w.TargetFile("etc/passwd", "root:x:5:6:odd:/root:/bin/sh\n");

        await w.RunAsync(CopyOf("/r/", "a.txt") with { Chown = "root:root" });

        Assert.Contains("/r/a.txt f 0644 0:0 =A", w.Tree());
    }

    [Fact]
    public async Task Chmod_octal_applies_to_files_and_directories()
    {
        using var w = new CopyWorkspace();
        w.File("src/a.txt", "A");
        w.File("src/sub/b.txt", "B");
        await w.RunAsync(CopyOf("/o", "src") with { Chmod = Octal(0x1C0) }); // 0700
        Assert.Equal(
            ["/o d 0755", "/o/a.txt f 0700 =A", "/o/sub d 0700", "/o/sub/b.txt f 0700 =B"],
            w.Tree(owners: false));
    }

    [Theory]
    [InlineData(0x9E8, 0x1A4, 0x9E8)] // 04750 on 0644: setuid kept, as BuildKit 0.13 keeps it
    [InlineData(0x5ED, 0x1A4, 0x5ED)] // 02755: setgid
    [InlineData(0x3FF, 0x1A4, 0x3FF)] // 01777: sticky
    [InlineData(0x1ED, 0x9ED, 0x1ED)] // 0755 on a setuid source: the octal mode is the whole mode, setuid gone
    public void Octal_chmod_is_the_whole_mode_special_bits_included(int octal, int before, int after) =>
        Assert.Equal((uint)after, ModeApplier.Apply(Octal(octal), (uint)before, isDirectory: false));

    [Fact]
    public async Task Chmod_with_special_bits_reaches_the_files_of_copy_and_add()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        using var w = new CopyWorkspace();
        w.File("m", "M");
        await w.RunAsync(CopyOf("/c/m4750", "m") with { Chmod = Octal(0x9E8) });
        await w.RunAsync(CopyOf("/c/m2755", "m") with { Chmod = Octal(0x5ED), Chown = "7:8" });
        await w.RunAsync(AddOf("/a/m1777", "m") with { Chmod = Octal(0x3FF) });
        await w.RunAsync(AddOf("/a/us", "m") with { Chmod = Symbolic("u+xs,g+s") });
        Assert.Equal(
            ["/a d 0755 0:0", "/a/m1777 f 1777 0:0 =M", "/a/us f 6744 0:0 =M", "/c d 0755 0:0", "/c/m2755 f 2755 7:8 =M", "/c/m4750 f 4750 0:0 =M"],
            w.Tree());
    }

    [Theory]
    [InlineData("a+x", 0x1A4, false, 0x1ED)]          // 0644 -> 0755
    [InlineData("go-w", 0x1FF, false, 0x1ED)]          // 0777 -> 0755
    [InlineData("u=rwX,go=rX", 0x180, false, 0x1A4)]  // 0600 -> 0644 (no x anywhere)
    [InlineData("u=rwX,go=rX", 0x1C0, false, 0x1ED)]  // 0700 -> 0755
    [InlineData("u=rwX,go=rX", 0x180, true, 0x1ED)]   // a directory gets X
    [InlineData("g=u", 0x1A0, false, 0x1B0)]           // 0640 -> 0660
    [InlineData("u+s,+t", 0x1ED, false, 0xBED)]        // 0755 -> 05755
    [InlineData("=r", 0x1FF, false, 0x124)]            // 0777 -> 0444
    public void Symbolic_chmod_follows_setmode(string text, int before, bool directory, int after) =>
        Assert.Equal((uint)after, ModeApplier.Apply(Symbolic(text), (uint)before, directory));

    [Fact]
    public async Task Chmod_symbolic_applies_per_entry()
    {
        using var w = new CopyWorkspace();
        w.File("src/run.sh", "R", 0x1C0);
        w.File("src/data", "D", 0x180);
        await w.RunAsync(CopyOf("/s", "src") with { Chmod = Symbolic("u=rwX,go=rX") });
        Assert.Equal(["/s d 0755", "/s/data f 0644 =D", "/s/run.sh f 0755 =R"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Hardlinks_inside_one_copy_stay_hardlinks()
    {
        using var w = new CopyWorkspace();
        var first = w.File("src/a", "same");
        Prerequisites.Run("ln", w.Context, first, Path.Join(w.Context, "src/b"));
        await w.RunAsync(CopyOf("/h", "src"));
        var a = FileStat.OfPath(Path.Join(w.Target, "h/a"))!.Value;
        var b = FileStat.OfPath(Path.Join(w.Target, "h/b"))!.Value;
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(2u, a.LinkCount);
    }

    [Fact]
    public async Task Hardlinked_files_named_as_separate_sources_are_copied_as_separate_files()
    {
        // BuildKit copies each source of a COPY (and each match of a wildcard) with its own fsutil copy, whose
        // hard link tracking starts empty: links are kept within one source's tree only (Docker 20.10 and 26 alike).
        using var w = new CopyWorkspace();
        var first = w.File("a", "same");
        Prerequisites.Run("ln", w.Context, first, Path.Join(w.Context, "b"));
        await w.RunAsync(CopyOf("/two/", "a", "b"));
        await w.RunAsync(CopyOf("/glob/", "[ab]"));
        foreach (var dir in new[] { "two", "glob" })
        {
            var a = FileStat.OfPath(Path.Join(w.Target, dir, "a"))!.Value;
            var b = FileStat.OfPath(Path.Join(w.Target, dir, "b"))!.Value;
            Assert.NotEqual(a.Inode, b.Inode);
            Assert.Equal(1u, a.LinkCount);
        }
    }

    [Fact]
    public async Task A_directory_of_many_files_copies_each_entry_right_though_its_files_are_copied_on_several_threads()
    {
        // More files than ParallelFiles copies on one thread, mixed with the entries copied in order: hard links, a
        // symlink, a FIFO and a subdirectory.
        using var w = new CopyWorkspace();
        var expected = new List<string> { "/many d 0755" };
        for (var i = 0; i < 40; i++)
        {
            var name = $"f{i:D2}";
            var mode = i % 3 == 0 ? 0x1ED : i % 3 == 1 ? 0x1A4 : 0x180;
            w.File($"src/{name}", name, mode);
            File.SetLastWriteTimeUtc(Path.Join(w.Context, "src", name), new DateTime(2001, 1, 1, 0, 0, i, DateTimeKind.Utc));
            expected.Add($"/many/{name} f {Convert.ToString(mode, 8).PadLeft(4, '0')} ={name}");
        }

        var linked = w.File("src/h1", "linked");
        Prerequisites.Run("ln", w.Context, linked, Path.Join(w.Context, "src/h2"));
        w.Symlink("src/s", "f00");
        Prerequisites.Run("mkfifo", w.Context, Path.Join(w.Context, "src/p"));
        w.File("src/sub/inner", "I");
        expected.AddRange(["/many/h1 f 0644 =linked", "/many/h2 f 0644 =linked", "/many/p o 0644", "/many/s l 0777 -> f00", "/many/sub d 0755", "/many/sub/inner f 0644 =I"]);

        var result = await w.RunAsync(CopyOf("/many", "src"));

        Assert.Equal(expected.Order(StringComparer.Ordinal), w.Tree(owners: false));
        Assert.Equal(expected.Count, result.Entries);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(new DateTime(2001, 1, 1, 0, 0, i, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Path.Join(w.Target, $"many/f{i:D2}")));
        }

        Assert.Equal(FileStat.OfPath(Path.Join(w.Target, "many/h1"))!.Value.Inode, FileStat.OfPath(Path.Join(w.Target, "many/h2"))!.Value.Inode);
    }

    [Fact]
    public async Task Files_after_a_subdirectory_in_name_order_are_copied_once()
    {
        // The directory's files are copied before its subdirectory "a" is walked, and visited after it.
        using var w = new CopyWorkspace();
        for (var i = 0; i < 6; i++)
        {
            w.File($"src/a/in{i}", "i");
            w.File($"src/b{i}", "b");
        }

        var result = await w.RunAsync(CopyOf("/d/", "src"));
        Assert.Equal(1 + 1 + 6 + 6, result.Entries); // /d, /d/a, its six files, the six b files
        Assert.Equal(14, w.Tree(owners: false).Length);
    }

    [Fact]
    public async Task A_failure_among_files_copied_on_several_threads_is_reported_as_itself()
    {
        using var w = new CopyWorkspace();
        for (var i = 0; i < 20; i++)
        {
            w.File($"src/f{i:D2}", "x");
        }

        Directory.CreateDirectory(Path.Join(w.Target, "d/f07"));
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/d/", "src")));
        Assert.Equal("cannot replace to directory /d/f07 with file", error.Message);
    }

    [Fact]
    public async Task Heredoc_source_is_a_0644_file()
    {
        using var w = new CopyWorkspace();
        await w.RunAsync(new CopyRequest { Destination = "/etc2/", Heredocs = [new HeredocSource("EOF", "hello\n", true)] });
        await w.RunAsync(new CopyRequest { Destination = "/conf", Heredocs = [new HeredocSource("EOF", "x", true)], Chmod = Octal(0x1C0) });
        Assert.Equal(["/conf f 0700 =x", "/etc2 d 0755", "/etc2/EOF f 0644 =hello\n"], w.Tree(owners: false));
    }

    [Fact]
    public async Task Sources_from_a_stage_root_keep_their_owners()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        using var w = new CopyWorkspace();
        var stage = Path.Join(w.Root, "stage");
        Directory.CreateDirectory(Path.Join(stage, "out"));
        File.WriteAllText(Path.Join(stage, "out/bin"), "B");
        File.SetUnixFileMode(Path.Join(stage, "out/bin"), (UnixFileMode)0x1ED);
        await Chown(Path.Join(stage, "out/bin"), 10001, 10002);
        await CopyExecutor.ExecuteAsync(CopyOf("/manager", "/out/bin"), CopySourceRoot.FromDirectory(stage, "stage builder"), w.Target, CopyOptions.Default, CancellationToken.None);
        Assert.Equal(["/manager f 0755 10001:10002 =B"], w.Tree());
    }

    [Fact]
    public async Task Timestamp_option_sets_every_time()
    {
        using var w = new CopyWorkspace();
        w.File("src/a", "A");
        w.File("src/sub/b", "B");
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_000_000_000);
        await w.RunAsync(CopyOf("/t/new/", "src"), options: new CopyOptions { Timestamp = epoch });

        // Created parents get it too, but then change as entries are added below them (as in BuildKit); the layer
        // writer clamps those under SOURCE_DATE_EPOCH.
        foreach (var path in new[] { "t/new/a", "t/new/sub", "t/new/sub/b" })
        {
            Assert.Equal(epoch.UtcDateTime, File.GetLastWriteTimeUtc(Path.Join(w.Target, path)));
        }
    }

    [Fact]
    public async Task Replacing_a_directory_with_a_file_is_an_error()
    {
        using var w = new CopyWorkspace();
        w.File("a", "A");
        Directory.CreateDirectory(Path.Join(w.Target, "d/a"));
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(CopyOf("/d/", "a")));
        Assert.Equal("cannot replace to directory /d/a with file", error.Message);
    }

    [Theory]
    [InlineData("url", "ADD of a URL (https://example.com/x.tar) is not supported yet")]
    [InlineData("git", "ADD of a git repository (git@github.com:a/b.git) reached the copier unfetched")]
    public async Task Features_not_run_yet_are_refused(string feature, string message)
    {
        using var w = new CopyWorkspace();
        w.File("a", "A");
        var request = feature switch
        {
            "url" => AddOf("/x", "https://example.com/x.tar"),
            _ => AddOf("/x", "git@github.com:a/b.git"),
        };
        var error = await Assert.ThrowsAsync<CopyException>(() => w.RunAsync(request));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Request_from_instructions_carries_the_flags()
    {
        var copy = new CopyInstruction(["a"], [], "/d", "builder", "1:2", null, null, true, false, []) { Span = default, Original = "COPY --link a /d" };
        var request = CopyRequest.FromInstruction(copy, "/w");
        Assert.Equal("1:2", request.Chown);
        Assert.Equal("COPY", request.Keyword);
        var add = new AddInstruction(["a.tar"], [], "/d", null, null, null, false, false, null, false, []) { Span = default, Original = "ADD --unpack=false a.tar /d" };
        Assert.False(CopyRequest.FromInstruction(add, "/").Unpack);
    }

    internal static async Task Chown(string path, int uid, int gid) =>
        await Task.Run(() => Prerequisites.Run("chown", "/", "-h", $"{uid}:{gid}", path));
}
