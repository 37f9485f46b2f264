using Kiln.Content.IO;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Tests.IO;

public sealed class FileCopyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-filecopy-").FullName;

    // /tmp and /dev/shm are different filesystems here: copy_file_range refuses (EXDEV) and sendfile takes over.
    public static TheoryData<int, bool> Cases => new()
    {
        { 0, false }, { 1, false }, { 3 * 1024 * 1024 + 17, false },
        { 0, true }, { 1, true }, { 3 * 1024 * 1024 + 17, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Copies_every_byte_on_one_filesystem_and_across_two(int size, bool acrossFilesystems)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var source = Path.Combine(_directory, "source");
        File.WriteAllBytes(source, data);
        var targetDirectory = acrossFilesystems ? Path.Combine("/dev/shm", Path.GetFileName(_directory)) : _directory;
        Directory.CreateDirectory(targetDirectory);

        var target = Path.Combine(targetDirectory, "target");
        try
        {
            using (var input = File.OpenHandle(source))
            using (SafeFileHandle output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write))
            {
                Assert.Equal(size, FileCopy.Copy(input, output, "/target"));
            }

            Assert.Equal(data, File.ReadAllBytes(target));
        }
        finally
        {
            if (acrossFilesystems)
            {
                Directory.Delete(targetDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public void A_target_that_cannot_be_written_is_an_error_naming_it()
    {
        var source = Path.Combine(_directory, "source");
        File.WriteAllBytes(source, [1, 2, 3]);
        using var input = File.OpenHandle(source);
        using var readOnly = File.OpenHandle(source, FileMode.Open, FileAccess.Read);
        var error = Assert.ThrowsAny<IOException>(() => FileCopy.Copy(input, readOnly, "/named"));
        Assert.Contains("/named", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
