using System.Security.Cryptography;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Content.Tests.Support;

namespace Kiln.Content.Tests.Store;

public sealed class ContentStoreTests : IDisposable
{
    private readonly TempRoot _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(ContentStore store, Digest digest)
    {
        var stream = await store.OpenReadAsync(digest, CancellationToken.None);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    private string[] IngestFiles() => Directory.GetFiles(_temp.Root.IngestPath);

    [Fact]
    public async Task Writes_hashes_and_reads_back_a_blob()
    {
        var store = _temp.Open();
        var content = RandomBytes(300_000, 1);

        BlobInfo info;
        var writer = await store.OpenWriterAsync(CancellationToken.None);
        await using (writer)
        {
            for (var offset = 0; offset < content.Length; offset += 7_000)
            {
                await writer.WriteAsync(content.AsMemory(offset, Math.Min(7_000, content.Length - offset)));
            }

            info = await writer.CommitAsync(Digest.Sha256Of(content), content.Length, CancellationToken.None);
        }

        Assert.Equal(Digest.Sha256Of(content), info.Digest);
        Assert.Equal(content.Length, info.Size);
        Assert.True(store.Exists(info.Digest));
        Assert.Equal(content.Length, store.Info(info.Digest)!.Size);
        Assert.Equal(content, await ReadAllAsync(store, info.Digest));
        Assert.Equal(content, File.ReadAllBytes(_temp.Root.BlobPath(info.Digest)));
        Assert.Empty(IngestFiles());
    }

    [Fact]
    public async Task Commit_stores_whatever_it_hashed_to()
    {
        var store = _temp.Open();

        var info = await store.WriteAsync("hello"u8.ToArray(), CancellationToken.None);

        Assert.Equal(Digest.Sha256Of("hello"u8), info.Digest);
        Assert.Equal(5, info.Size);
    }

    [Fact]
    public async Task A_wrong_digest_stores_nothing()
    {
        var store = _temp.Open();
        var claimed = Digest.Sha256Of("something else"u8);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() =>
            store.WriteAsync(new MemoryStream("hello"u8.ToArray()), claimed, null, CancellationToken.None));

        Assert.Contains(claimed.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(Digest.Sha256Of("hello"u8).ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(store.Exists(claimed));
        Assert.False(store.Exists(Digest.Sha256Of("hello"u8)));
        Assert.Empty(IngestFiles());
    }

    [Fact]
    public async Task A_wrong_size_stores_nothing()
    {
        var store = _temp.Open();
        var digest = Digest.Sha256Of("hello"u8);

        await Assert.ThrowsAsync<DigestMismatchException>(() =>
            store.WriteAsync(new MemoryStream("hello"u8.ToArray()), digest, 6, CancellationToken.None));

        Assert.False(store.Exists(digest));
        Assert.Empty(IngestFiles());
    }

    [Fact]
    public async Task A_writer_disposed_without_commit_leaves_nothing()
    {
        var store = _temp.Open();
        string temp;
        var writer = await store.OpenWriterAsync(CancellationToken.None);
        await using (writer)
        {
            await writer.WriteAsync(RandomBytes(100_000, 2));
            temp = writer.TempPath;
            Assert.True(File.Exists(temp));
            Assert.StartsWith(_temp.Root.IngestPath + "/", temp, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(temp));
        Assert.Empty(IngestFiles());
        await foreach (var blob in store.ListAsync(CancellationToken.None))
        {
            Assert.Fail($"no blob was committed, but {blob.Digest} is listed");
        }
    }

    [Fact]
    public async Task A_temp_file_left_by_a_killed_writer_is_removed_on_the_next_open()
    {
        _temp.Open();
        var stale = Path.Combine(_temp.Root.IngestPath, "0123.tmp");
        await File.WriteAllBytesAsync(stale, RandomBytes(1000, 3));
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));

        _temp.Open();

        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task A_temp_file_another_process_is_writing_survives_an_open()
    {
        _temp.Open();
        var busy = Path.Combine(_temp.Root.IngestPath, "busy.tmp");
        await File.WriteAllBytesAsync(busy, RandomBytes(1000, 4));
        File.SetLastWriteTimeUtc(busy, DateTime.UtcNow.AddHours(-1));
        var release = Path.Combine(_temp.Path, "release");
        using var holder = Tool.HoldLock(busy, exclusive: true, release, Path.Combine(_temp.Path, "acquired"));
        try
        {
            _temp.Open();

            Assert.True(File.Exists(busy));
        }
        finally
        {
            File.WriteAllText(release, "");
            await holder.WaitForExitAsync();
        }

        _temp.Open();
        Assert.False(File.Exists(busy));
    }

    [Fact]
    public async Task A_young_temp_file_survives_an_open()
    {
        _temp.Open();
        var young = Path.Combine(_temp.Root.IngestPath, "young.tmp");
        await File.WriteAllBytesAsync(young, [1, 2, 3]);

        _temp.Open();

        Assert.True(File.Exists(young));
    }

    [Fact]
    public async Task A_flipped_byte_is_detected_on_read()
    {
        var store = _temp.Open();
        var content = RandomBytes(200_000, 5);
        var info = await store.WriteAsync(content, CancellationToken.None);
        var path = _temp.Root.BlobPath(info.Digest);
        var bytes = File.ReadAllBytes(path);
        bytes[123_456] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<BlobCorruptException>(() => ReadAllAsync(store, info.Digest));
        await Assert.ThrowsAsync<BlobCorruptException>(() => store.ReadAllBytesAsync(info.Digest, 1 << 20, CancellationToken.None));

        Assert.Equal(info.Digest, error.Expected);
        Assert.Equal(Digest.Sha256Of(bytes), error.Actual);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_blob_is_detected_on_read()
    {
        var store = _temp.Open();
        var info = await store.WriteAsync(RandomBytes(10_000, 6), CancellationToken.None);
        File.WriteAllBytes(_temp.Root.BlobPath(info.Digest), RandomBytes(10_000, 6)[..9_999]);

        await Assert.ThrowsAsync<BlobCorruptException>(() => ReadAllAsync(store, info.Digest));
    }

    [Fact]
    public async Task A_missing_blob_is_a_clear_error()
    {
        var store = _temp.Open();
        var digest = Digest.Sha256Of("absent"u8);

        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync(digest, CancellationToken.None));

        Assert.Contains(digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(store.Exists(digest));
        Assert.Null(store.Info(digest));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_blob_all_succeed_with_one_blob()
    {
        var store = _temp.Open();
        var content = RandomBytes(1_000_000, 7);
        var expected = Digest.Sha256Of(content);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var writer = await store.OpenWriterAsync(CancellationToken.None);
            await using (writer)
            {
                for (var offset = 0; offset < content.Length; offset += 10_000 + i)
                {
                    await writer.WriteAsync(content.AsMemory(offset, Math.Min(10_000 + i, content.Length - offset)));
                }

                return await writer.CommitAsync(expected, content.Length, CancellationToken.None);
            }
        })));

        Assert.All(results, r => Assert.Equal(expected, r.Digest));
        Assert.Single(Directory.GetFiles(Path.Combine(_temp.Root.BlobsPath, "sha256")));
        Assert.Equal(content, await ReadAllAsync(store, expected));
        Assert.Empty(IngestFiles());
    }

    [Fact]
    public async Task Sha512_blobs_are_written_and_verified()
    {
        var store = _temp.Open();
        var content = RandomBytes(5000, 8);
        var expected = Digest.Parse("sha512:" + Convert.ToHexStringLower(SHA512.HashData(content)));

        var info = await store.WriteAsync(new MemoryStream(content), expected, content.Length, CancellationToken.None);

        Assert.Equal(expected, info.Digest);
        Assert.Equal(content, await ReadAllAsync(store, expected));
    }

    [Fact]
    public async Task Lists_and_deletes_blobs()
    {
        var store = _temp.Open();
        var a = await store.WriteAsync("a"u8.ToArray(), CancellationToken.None);
        var b = await store.WriteAsync("bb"u8.ToArray(), CancellationToken.None);
        File.WriteAllText(Path.Combine(_temp.Root.BlobsPath, "sha256", "not-a-digest"), "x");

        var listed = new List<BlobInfo>();
        await foreach (var blob in store.ListAsync(CancellationToken.None))
        {
            listed.Add(blob);
        }

        Assert.Equal(new[] { a, b }.OrderBy(x => x.Digest.Encoded), listed.OrderBy(x => x.Digest.Encoded));
        Assert.True(await store.DeleteAsync(a.Digest, CancellationToken.None));
        Assert.False(await store.DeleteAsync(a.Digest, CancellationToken.None));
        Assert.False(store.Exists(a.Digest));
        Assert.True(store.Exists(b.Digest));
    }

    [Fact]
    public async Task A_lease_keeps_the_exclusive_lock_away_in_process()
    {
        var store = _temp.Open();

        using (await store.LeaseAsync(CancellationToken.None))
        {
            Assert.Null(store.TryLockExclusive());
            using var second = await store.LeaseAsync(CancellationToken.None);
        }

        using var exclusive = store.TryLockExclusive();
        Assert.NotNull(exclusive);
    }

    [Fact]
    public async Task A_released_lease_frees_the_store_even_while_a_child_keeps_a_copy_of_its_descriptor()
    {
        var store = _temp.Open();
        var lease = await store.LeaseAsync(CancellationToken.None);

        // What a child forked by another thread has between fork and exec: a copy of the lock's descriptor.
        // Here the copy is made without O_CLOEXEC so that a real child (sleep) keeps it for as long as it runs.
        var lockPath = Path.Combine(_temp.Root.LocksPath, "store.lock");
        var fd = Directory.GetFiles("/proc/self/fd").Select(f => (Fd: int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture), Target: new FileInfo(f).LinkTarget))
            .Single(f => f.Target == lockPath).Fd;
        var copy = Dup(fd);
        Assert.True(copy >= 0);
        using var child = System.Diagnostics.Process.Start("/bin/sleep", "30");
        Assert.Equal(0, Close(copy));
        try
        {
            lease.Dispose();
            using var exclusive = store.TryLockExclusive();
            Assert.NotNull(exclusive);
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [Fact]
    public async Task A_writer_waits_while_another_process_holds_the_store_exclusively()
    {
        var store = _temp.Open();
        var release = Path.Combine(_temp.Path, "release");
        using var holder = Tool.HoldLock(store.StoreLockPath, exclusive: true, release, Path.Combine(_temp.Path, "acquired"));

        var open = store.OpenWriterAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(open.IsCompleted, "the writer must wait for the other process's exclusive lock");

        File.WriteAllText(release, "");
        var writer = await open.WaitAsync(TimeSpan.FromSeconds(20));
        await using (writer)
        {
            await writer.WriteAsync("x"u8.ToArray());
            await writer.CommitAsync(CancellationToken.None);
        }

        await holder.WaitForExitAsync();
    }

    [Fact]
    public async Task Delete_waits_while_another_process_reads_or_writes()
    {
        var store = _temp.Open();
        var info = await store.WriteAsync("shared"u8.ToArray(), CancellationToken.None);
        var release = Path.Combine(_temp.Path, "release");
        using var holder = Tool.HoldLock(store.StoreLockPath, exclusive: false, release, Path.Combine(_temp.Path, "acquired"));

        // A second shared holder (this process) is not blocked by the other process's shared lock.
        var reader = await store.OpenReadAsync(info.Digest, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        await reader.DisposeAsync();

        var delete = store.DeleteAsync(info.Digest, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(delete.IsCompleted, "delete must wait for the other process's shared lock");
        Assert.True(store.Exists(info.Digest));

        File.WriteAllText(release, "");
        Assert.True(await delete.WaitAsync(TimeSpan.FromSeconds(20)));
        await holder.WaitForExitAsync();
    }

    [Fact]
    public async Task Waiting_for_a_lock_can_be_cancelled()
    {
        var store = _temp.Open();
        using var lease = await store.LeaseAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.LockExclusiveAsync(cancel.Token));
    }
}
