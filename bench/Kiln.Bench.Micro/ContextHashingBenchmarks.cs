using BenchmarkDotNet.Attributes;
using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Oci;

namespace Kiln.Bench.Micro;

/// <summary>
/// The COPY source checksum of a whole build context (<c>COPY . /app/</c>), as
/// <c>ContextFileOperations.DigestSourcesAsync</c> computes it for the cache key: SourceSelector, SourceWalker,
/// one statx and one xattr list per entry, and SHA-256 of every file's content unless the stat cache knows it.
/// </summary>
/// <remarks>
/// The tree is in the page cache for every variant: "cold" means a cold stat cache, not a cold disk.
/// </remarks>
[MemoryDiagnoser]
public class ContextHashingBenchmarks
{
    private readonly CopyRequest _request = new() { Sources = ["."], Destination = "/app/" };
    private string? _root;
    private string? _emptyCacheDirectory;
    private string? _savedCacheDirectory;
    private CopySourceRoot? _source;
    private CopyDigestOptions? _warm;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = SampleTree.NewTemporaryDirectory("context");
        var (files, bytes) = SampleTree.Create(_root);
        SampleTree.WaitPastRacyWindow(DateTime.UtcNow);
        _source = CopySourceRoot.FromContext(BuildContext.WithPatterns(_root, []));

        // Never saved to: every OpenAsync of it starts empty.
        _emptyCacheDirectory = SampleTree.NewTemporaryDirectory("digest-cache-empty");
        _savedCacheDirectory = SampleTree.NewTemporaryDirectory("digest-cache-saved");
        var cache = await FileDigestCache.OpenAsync(_savedCacheDirectory, CancellationToken.None).ConfigureAwait(false);
        _warm = new CopyDigestOptions { Cache = cache };
        var expected = await CopySourceDigest.ComputeAsync(_request, _source, _warm, CancellationToken.None).ConfigureAwait(false);
        await cache.SaveAsync(CancellationToken.None).ConfigureAwait(false);

        // A warm variant that silently missed would report the cold cost under the warm name.
        if (cache.Count != files)
        {
            throw new InvalidOperationException($"the stat cache holds {cache.Count} entries after the first digest, expected {files}");
        }

        var saved = Directory.GetFiles(_savedCacheDirectory).Sum(path => new FileInfo(path).Length);
        Console.WriteLine($"// context: {files} files, {bytes} bytes; stat cache file {saved} bytes");

        foreach (var digest in new[] { await ColdAsync().ConfigureAwait(false), await WarmAsync().ConfigureAwait(false), await WarmFromDiskAsync().ConfigureAwait(false) })
        {
            if (digest != expected)
            {
                throw new InvalidOperationException($"context digest {digest} differs from the first one, {expected}");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SampleTree.Delete(_root);
        SampleTree.Delete(_emptyCacheDirectory);
        SampleTree.Delete(_savedCacheDirectory);
    }

    /// <summary>First build: an empty stat cache, every file read and hashed (and remembered).</summary>
    [Benchmark(Baseline = true)]
    public async Task<Digest> ColdAsync()
    {
        var cache = await FileDigestCache.OpenAsync(_emptyCacheDirectory!, CancellationToken.None).ConfigureAwait(false);
        return await CopySourceDigest.ComputeAsync(_request, _source!, new CopyDigestOptions { Cache = cache }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Nothing changed, cache in memory: the walk, a statx and an xattr list per entry, no file content read.</summary>
    [Benchmark]
    public Task<Digest> WarmAsync() => CopySourceDigest.ComputeAsync(_request, _source!, _warm!, CancellationToken.None);

    /// <summary>Nothing changed, as a new kiln process sees it: the cache file loaded first, then the warm walk.</summary>
    [Benchmark]
    public async Task<Digest> WarmFromDiskAsync()
    {
        var cache = await FileDigestCache.OpenAsync(_savedCacheDirectory!, CancellationToken.None).ConfigureAwait(false);
        return await CopySourceDigest.ComputeAsync(_request, _source!, new CopyDigestOptions { Cache = cache }, CancellationToken.None).ConfigureAwait(false);
    }
}
