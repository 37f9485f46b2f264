using Kiln.Content.Store;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Runtime.Linux.Tests;

public sealed class CacheMountStoreTests : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0x1ED;

    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cachemounts-").FullName;
    private readonly CacheMountStore _store;

    public CacheMountStoreTests()
    {
        _store = CacheMountStore.Open(new StoreRoot(_root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Shared_users_get_the_same_directory_at_once_and_it_is_made_with_the_mounts_owner_and_mode()
    {
        Tool.RequireRoot();
        using var first = await _store.AcquireAsync("/root/.cache", CacheSharing.Shared, (UnixFileMode)0x1C0, 10001, 10002, None);
        using var second = await _store.AcquireAsync("/root/.cache", CacheSharing.Shared, Mode0755, 0, 0, None);

        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal("700 10001 10002", Tool.Run("stat", "-c", "%a %u %g", first.Directory).Trim());
        using var other = await _store.AcquireAsync("other", CacheSharing.Shared, Mode0755, 0, 0, None);
        Assert.NotEqual(first.Directory, other.Directory);
    }

    [Fact]
    public async Task Locked_waits_for_the_user_before_and_private_gets_a_directory_of_its_own_meanwhile()
    {
        var first = await _store.AcquireAsync("mods", CacheSharing.Locked, Mode0755, 0, 0, None);
        File.WriteAllText(Path.Combine(first.Directory, "kept"), "1");

        var waiting = _store.AcquireAsync("mods", CacheSharing.Locked, Mode0755, 0, 0, None);
        using (var own = await _store.AcquireAsync("mods", CacheSharing.Private, Mode0755, 0, 0, None))
        {
            Assert.NotEqual(first.Directory, own.Directory);
            Assert.Empty(Directory.EnumerateFileSystemEntries(own.Directory));
            await Task.Delay(200);
            Assert.False(waiting.IsCompleted, "a locked cache was handed out while held");
            first.Dispose();
        }

        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal("1", File.ReadAllText(Path.Combine(second.Directory, "kept")));
        Assert.Empty(Directory.GetDirectories(_store.Path, "private-*"));
    }

    [Fact]
    public async Task Clear_removes_the_caches_nobody_uses()
    {
        var idle = await _store.AcquireAsync("idle", CacheSharing.Shared, Mode0755, 0, 0, None);
        idle.Dispose();
        using var busy = await _store.AcquireAsync("busy", CacheSharing.Shared, Mode0755, 0, 0, None);

        Assert.Equal(1, _store.Clear());

        Assert.False(Directory.Exists(idle.Directory));
        Assert.True(Directory.Exists(busy.Directory));
    }
}
