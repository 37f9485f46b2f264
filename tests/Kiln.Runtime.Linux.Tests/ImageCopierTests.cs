using Kiln.Runtime.Linux.Copy;

namespace Kiln.Runtime.Linux.Tests;

public sealed class ImageCopierTests
{
    /// <summary>kiln cp copies files, directories and symlinks; a FIFO is skipped and named (opening it would block).</summary>
    [Fact]
    public async Task A_directory_is_copied_out_with_its_fifo_skipped_and_reported()
    {
        var root = Directory.CreateTempSubdirectory("kiln-cp-").FullName;
        try
        {
            var source = Path.Combine(root, "image");
            Directory.CreateDirectory(Path.Combine(source, "app"));
            File.WriteAllText(Path.Combine(source, "app", "file"), "data");
            File.CreateSymbolicLink(Path.Combine(source, "app", "link"), "file");
            Tool.Run("mkfifo", Path.Combine(source, "app", "pipe"));
            var destination = Path.Combine(root, "out");

            var result = await ImageCopier.CopyOutAsync(source, "/app", destination, CancellationToken.None);

            Assert.Equal(destination, result.Destination);
            Assert.Equal((1, 1, 1), (result.Files, result.Directories, result.Symlinks));
            Assert.Equal(Path.Combine(source, "app", "pipe"), Assert.Single(result.Skipped));
            Assert.Equal("data", File.ReadAllText(Path.Combine(destination, "file")));
            Assert.Equal("file", new FileInfo(Path.Combine(destination, "link")).LinkTarget);
            Assert.False(Path.Exists(Path.Combine(destination, "pipe")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>kiln cp keeps names that are not UTF-8, in the copied tree and in symlink targets.</summary>
    [Fact]
    public async Task Names_that_are_not_utf8_are_copied_out_byte_for_byte()
    {
        var root = RawFiles.Bytes(Directory.CreateTempSubdirectory("kiln-cp-").FullName);
        try
        {
            var app = RawFiles.Join(RawFiles.Join(root, "image"u8.ToArray()), "app"u8.ToArray());
            RawFiles.Mkdir(RawFiles.Join(root, "image"u8.ToArray()), 0x1ED);
            RawFiles.Mkdir(app, 0x1ED);
            RawFiles.WriteFile(RawFiles.Join(app, [.. "caf"u8, 0xE9]), "x"u8.ToArray(), 0x1ED);
            RawFiles.Mkdir(RawFiles.Join(app, [(byte)'d', 0xE9]), 0x1C0);
            RawFiles.WriteFile(RawFiles.Join(app, [(byte)'d', 0xE9, (byte)'/', (byte)'f', 0x80]), "z"u8.ToArray());
            RawFiles.Symlink([.. "caf"u8, 0xE9], RawFiles.Join(app, [(byte)'l', 0xFF]));
            RawFiles.SetMtime(RawFiles.Join(app, [.. "caf"u8, 0xE9]), 1_000_000);
            var destination = RawFiles.Join(root, "out"u8.ToArray());

            var result = await ImageCopier.CopyOutAsync(RawFiles.Show(RawFiles.Join(root, "image"u8.ToArray())), "/app", RawFiles.Show(destination), CancellationToken.None);

            Assert.Equal((2, 2, 1), (result.Files, result.Directories, result.Symlinks));
            Assert.Equal(
                [
                    "caf\\xe9 f 0755 t=1000000 size=1 sha=2d711642b726b044",
                    "d\\xe9 d 0700",
                    "d\\xe9/f\\x80 f 0644 size=1 sha=594e519ae499312b",
                    "l\\xff l 0777 -> caf\\xe9",
                ],
                RawFiles.Snapshot(destination).Select(Short));
        }
        finally
        {
            RawFiles.RemoveAll(root);
        }

        // Owners are the copier's; mtimes checked for the one file that set one.
        static string Short(string line) => string.Join(' ', line.Split(' ').Where(p => !p.Contains(':', StringComparison.Ordinal) && (!p.StartsWith("t=", StringComparison.Ordinal) || p == "t=1000000")));
    }
}
