using System.Diagnostics;
using System.Runtime.InteropServices;
using Kiln.Runtime.Linux.Locking;

namespace Kiln.Runtime.Linux.Tests;

public sealed class LockFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-lockfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_disposed_lock_is_free_even_while_a_child_keeps_a_copy_of_its_descriptor()
    {
        var path = Path.Combine(_directory, "layer.lock");
        var held = LockFile.TryAcquire(path, exclusive: false)!;

        // What a child forked by another thread has between fork and exec: a copy of the lock's descriptor.
        // The copy is made without O_CLOEXEC so that a real child (sleep) keeps it for as long as it runs.
        var fd = Directory.GetFiles("/proc/self/fd")
            .Select(f => (Fd: int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture), Target: new FileInfo(f).LinkTarget))
            .Single(f => f.Target == path).Fd;
        var copy = Dup(fd);
        Assert.True(copy >= 0);
        using var child = Process.Start("/bin/sleep", "30");
        Assert.Equal(0, Close(copy));
        try
        {
            Assert.Null(LockFile.TryAcquire(path, exclusive: true));
            held.Dispose();
            using var exclusive = LockFile.TryAcquire(path, exclusive: true);
            Assert.NotNull(exclusive);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
