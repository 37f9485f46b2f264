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
}
