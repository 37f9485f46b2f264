using BenchmarkDotNet.Attributes;
using Kiln.Content.Compression;
using Kiln.Content.Layers;
using Kiln.Content.Tar;

namespace Kiln.Bench.Micro;

/// <summary>
/// A prepared layer of the sample tree applied onto an empty directory with LayerExtractor: decompression, tar
/// parsing, the safe path resolution of every entry and the file writes (into the page cache; nothing is fsynced).
/// </summary>
/// <remarks>
/// Every invocation needs an empty target, so targets are made in [IterationSetup] and removed in
/// [IterationCleanup]; BenchmarkDotNet then runs one invocation per iteration, which suits an operation this long.
/// </remarks>
[MemoryDiagnoser]
public class LayerExtractionBenchmarks
{
    private string? _work;
    private string? _layer;
    private string? _target;

    /// <summary>Gzip is what registries serve for nearly every base image; zstd for comparison.</summary>
    [Params(LayerCompression.Gzip, LayerCompression.Zstd)]
    public LayerCompression Compression { get; set; }

    /// <summary>
    /// Where the files land. TempDir is the disk Kiln's store would use; DevShm (tmpfs) takes the filesystem's cost
    /// of creating inodes out, leaving Kiln's own work. On this machine creating a small file on the disk costs
    /// about 0.7 ms in the kernel whatever the program, so the two differ by an order of magnitude.
    /// </summary>
    [Params(TargetFilesystem.TempDir, TargetFilesystem.DevShm)]
    public TargetFilesystem Target { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _work = SampleTree.NewTemporaryDirectory("extract");
        var source = Path.Join(_work, "source");
        Directory.CreateDirectory(source);
        SampleTree.Create(source);
        _layer = Path.Join(_work, "layer.blob");
        var output = new FileStream(_layer, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        await using (output.ConfigureAwait(false))
        {
            var options = new DirectoryLayerOptions { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };
            await LayerWriter.WriteAsync(new DirectoryLayerSource(source, options).WriteAsync, output, new LayerWriterOptions { Compression = Compression }, CancellationToken.None).ConfigureAwait(false);
        }

        Directory.Delete(source, recursive: true);
        IterationSetup();
        var result = await ExtractAsync().ConfigureAwait(false);
        var found = Directory.EnumerateFileSystemEntries(_target!, "*", SearchOption.AllDirectories).Count();
        if (result.Entries == 0 || found != result.Entries)
        {
            throw new InvalidOperationException($"the layer has {result.Entries} entries but {found} landed in the target");
        }

        IterationCleanup();
    }

    [GlobalCleanup]
    public void Cleanup() => SampleTree.Delete(_work);

    [IterationSetup]
    public void IterationSetup()
    {
        _target = Target switch
        {
            TargetFilesystem.DevShm when Directory.Exists("/dev/shm") => SampleTree.NewTemporaryDirectory("target", "/dev/shm"),
            TargetFilesystem.DevShm => throw new InvalidOperationException("/dev/shm (tmpfs) is missing; run with --filter and Target=TempDir only"),
            _ => SampleTree.NewTemporaryDirectory("target"),
        };
    }

    [IterationCleanup]
    public void IterationCleanup() => SampleTree.Delete(_target);

    [Benchmark]
    public async Task<ExtractResult> ExtractAsync()
    {
        // Opened as ContentStore.OpenReadAsync opens blobs.
        var layer = new FileStream(_layer!, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        await using (layer.ConfigureAwait(false))
        {
            return await LayerExtractor.ExtractAsync(layer, _target!, ExtractOptions.Default, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
