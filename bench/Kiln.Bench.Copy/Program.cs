using System.Diagnostics;
using System.Globalization;
using Kiln.Build.Context;
using Kiln.Build.Copy;

// Usage: Kiln.Bench.Copy [files=20000] [bytes-per-file=10240] [rounds=3]
var files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var size = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_240;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var root = Directory.CreateTempSubdirectory("kiln-bench-copy-").FullName;
try
{
    var context = Path.Join(root, "context");
    var random = new Random(42);
    var buffer = new byte[size];
    for (var i = 0; i < files; i++)
    {
        var directory = Path.Join(context, "d" + (i % 200).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        random.NextBytes(buffer);
        await File.WriteAllBytesAsync(Path.Join(directory, "f" + i.ToString(CultureInfo.InvariantCulture)), buffer);
    }

    // Files changed within the last 2 s are deliberately not cached (racily clean): let the tree settle.
    await Task.Delay(TimeSpan.FromSeconds(2.5));
    var source = CopySourceRoot.FromContext(await BuildContext.OpenAsync(context, CancellationToken.None));
    var request = new CopyRequest { Destination = "/app/", Sources = ["."] };
    Console.WriteLine($"context: {files} files x {size} B = {(long)files * size / (1024 * 1024)} MiB (page cache warm: files were just written)");
    for (var round = 1; round <= rounds; round++)
    {
        var cacheDirectory = Path.Join(root, "cache" + round.ToString(CultureInfo.InvariantCulture));
        var none = await TimeAsync(() => CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None));
        var cache = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
        var cold = await TimeAsync(async () =>
        {
            var d = await CopySourceDigest.ComputeAsync(request, source, new CopyDigestOptions { Cache = cache }, CancellationToken.None);
            await cache.SaveAsync(CancellationToken.None);
            return d;
        });
        var warm = await TimeAsync(async () =>
        {
            var reopened = await FileDigestCache.OpenAsync(cacheDirectory, CancellationToken.None);
            return await CopySourceDigest.ComputeAsync(request, source, new CopyDigestOptions { Cache = reopened }, CancellationToken.None);
        });
        if (none.Digest != cold.Digest || cold.Digest != warm.Digest)
        {
            throw new InvalidOperationException("digests differ between runs");
        }

        Console.WriteLine(
            $"round {round}: no cache {none.Elapsed.TotalMilliseconds:F0} ms, cold cache (hash + save) {cold.Elapsed.TotalMilliseconds:F0} ms, warm cache (load + stat) {warm.Elapsed.TotalMilliseconds:F0} ms  {warm.Digest}");
    }

    Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
}
finally
{
    Directory.Delete(root, recursive: true);
}

static async Task<(TimeSpan Elapsed, Kiln.Oci.Digest Digest)> TimeAsync(Func<Task<Kiln.Oci.Digest>> action)
{
    var stopwatch = Stopwatch.StartNew();
    var digest = await action();
    return (stopwatch.Elapsed, digest);
}
