using Kiln.Content.IO;
using Kiln.Content.Store;

namespace Kiln.Content.Tests.IO;

public sealed class ReplacementFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-replace-").FullName;

    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private string Target => Path.Combine(_directory, "out.tar");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_committed_file_takes_the_name_and_leaves_nothing_beside_it(bool unnamed)
    {
        File.WriteAllText(Target, "the old content, longer than the new one");

        var file = ReplacementFile.Create(Target, Mode, unnamed);
        await using (file)
        {
            await file.Stream.WriteAsync("new"u8.ToArray());
            Assert.Equal("the old content, longer than the new one", File.ReadAllText(Target));
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.Equal("new", File.ReadAllText(Target));
        Assert.Equal(Mode, new FileInfo(Target).UnixFileMode);
        Assert.Equal(["out.tar"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_given_up_leaves_the_old_one_and_nothing_else(bool unnamed)
    {
        File.WriteAllText(Target, "old");

        var file = ReplacementFile.Create(Target, Mode, unnamed);
        await using (file)
        {
            await file.Stream.WriteAsync("half of"u8.ToArray());
        }

        Assert.Equal("old", File.ReadAllText(Target));
        Assert.Equal(["out.tar"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_unnamed_file_has_no_name_while_it_is_written()
    {
        var file = ReplacementFile.Create(Target);
        await using (file)
        {
            await file.Stream.WriteAsync("content"u8.ToArray());
            await file.Stream.FlushAsync();

            // What SIGKILL would leave now: nothing, as the kernel frees a file without a name with its descriptor.
            Assert.Empty(Directory.GetFileSystemEntries(_directory));
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.Equal("content", File.ReadAllText(Target));
    }

    [Fact]
    public async Task What_a_killed_writer_left_is_removed_and_what_a_running_one_writes_is_kept()
    {
        var dead = Path.Combine(_directory, ".out.tar.0123456789ab.tmp");
        File.WriteAllText(dead, "half an archive");
        var running = Path.Combine(_directory, ".out.tar.ba9876543210.tmp");
        File.WriteAllText(running, "being written");
        using var runningLock = FileLock.TryAcquire(running, exclusive: true);
        var other = Path.Combine(_directory, ".other.tar.0123456789ab.tmp");
        File.WriteAllText(other, "another file's");
        var notOurs = Path.Combine(_directory, ".out.tar.backup.tmp");
        File.WriteAllText(notOurs, "someone else's naming");

        await ReplacementFile.WriteAllBytesAsync(Target, "new"u8.ToArray(), CancellationToken.None);

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(running));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(notOurs));
        Assert.Equal("new", File.ReadAllText(Target));
    }

    [Fact]
    public async Task A_named_file_is_locked_while_it_is_written()
    {
        var file = ReplacementFile.Create(Target, Mode, unnamedIfPossible: false);
        await using (file)
        {
            var temp = Assert.Single(Directory.GetFiles(_directory));
            using (var probe = FileLock.TryAcquire(temp, exclusive: true))
            {
                Assert.Null(probe);
            }

            // Another writer of the same file meanwhile leaves it alone.
            await ReplacementFile.WriteAllBytesAsync(Target, "other"u8.ToArray(), CancellationToken.None);
            Assert.True(File.Exists(temp));
            await file.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(["out.tar"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_symlink_or_a_device_is_written_through_not_replaced()
    {
        var real = Path.Combine(_directory, "real");
        File.WriteAllText(real, "old content");
        var link = Path.Combine(_directory, "link");
        File.CreateSymbolicLink(link, real);

        await ReplacementFile.WriteAllBytesAsync(link, "new"u8.ToArray(), CancellationToken.None);
        await ReplacementFile.WriteAllBytesAsync("/dev/null", "nothing"u8.ToArray(), CancellationToken.None);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(real));
        Assert.Equal(["link", "real"], Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName).Order());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
