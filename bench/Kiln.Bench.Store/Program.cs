using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Kiln.Content.Store;

// Usage: Kiln.Bench.Store [MEGABYTES] [DIRECTORY]
// Writes MEGABYTES of random data into a fresh store under DIRECTORY (default: a temp dir) three times and reads
// it back verified, next to a plain FileStream write+fsync and read of the same bytes as the floor.
var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var parent = args.Length > 1 ? args[1] : Path.GetTempPath();
var root = Directory.CreateDirectory(Path.Combine(parent, "kiln-bench-store-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture))).FullName;
try
{
    var store = ContentStore.Open(new StoreRoot(root));
    var chunk = new byte[1 << 20];
    Random.Shared.NextBytes(chunk);
    var total = (long)megabytes << 20;

    for (var round = 1; round <= 3; round++)
    {
        chunk[0] = (byte)round;
        var plain = Path.Combine(root, "plain");
        var watch = Stopwatch.StartNew();
        await using (var file = new FileStream(plain, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            for (long written = 0; written < total; written += chunk.Length)
            {
                await file.WriteAsync(chunk);
            }

            file.Flush(flushToDisk: true);
        }

        var plainWrite = watch.Elapsed;
        watch.Restart();
        BlobInfo info;
        var writer = await store.OpenWriterAsync(CancellationToken.None);
        await using (writer)
        {
            for (long written = 0; written < total; written += chunk.Length)
            {
                await writer.WriteAsync(chunk);
            }

            info = await writer.CommitAsync(CancellationToken.None);
        }

        var storeWrite = watch.Elapsed;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        watch.Restart();
        await using (var file = new FileStream(plain, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous))
        {
            while (await file.ReadAsync(buffer) > 0)
            {
            }
        }

        var plainRead = watch.Elapsed;
        watch.Restart();
        var stream = await store.OpenReadAsync(info.Digest, CancellationToken.None);
        await using (stream)
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }

        var storeRead = watch.Elapsed;
        ArrayPool<byte>.Shared.Return(buffer);
        double Rate(TimeSpan t) => megabytes / t.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"round {round}: {megabytes} MiB  write plain {Rate(plainWrite),7:F0} MiB/s  store {Rate(storeWrite),7:F0} MiB/s  |  read plain {Rate(plainRead),7:F0} MiB/s  store(verified) {Rate(storeRead),7:F0} MiB/s"));
        await store.DeleteAsync(info.Digest, CancellationToken.None);
    }

    Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
}
finally
{
    Directory.Delete(root, recursive: true);
}
