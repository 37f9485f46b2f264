using Kiln.Content.IO;

namespace Kiln.Content.Tests.IO;

public sealed class BlockingFileStreamTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "kiln-blocking-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Writes_reads_seeks_and_truncates_through_both_apis()
    {
        await using (var write = new BlockingFileStream(File.OpenHandle(_path, FileMode.CreateNew, FileAccess.Write), FileAccess.Write))
        {
            Assert.True(write.CanWrite);
            Assert.False(write.CanRead);
            await write.WriteAsync("hello "u8.ToArray());
            write.Write("world"u8);
            write.Position = 20;
            write.Write("!"u8);
            Assert.Equal(21, write.Length);
            write.SetLength(11);
        }

        Assert.Equal("hello world", File.ReadAllText(_path));
        await using var read = new BlockingFileStream(File.OpenHandle(_path), FileAccess.Read);
        var buffer = new byte[64];
        Assert.Equal(6, await read.ReadAsync(buffer.AsMemory(0, 6)));
        Assert.Equal(5, read.Read(buffer, 6, 58));
        Assert.Equal(0, await read.ReadAsync(buffer));
        Assert.Equal("hello world", System.Text.Encoding.ASCII.GetString(buffer, 0, 11));
        read.Seek(-5, SeekOrigin.End);
        Assert.Equal(5, read.Read(buffer));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await read.ReadAsync(buffer, new CancellationToken(canceled: true)));
    }

    public void Dispose() => File.Delete(_path);
}
