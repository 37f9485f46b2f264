using BenchmarkDotNet.Attributes;
using Kiln.Content.Compression;
using Kiln.Content.Tar;

namespace Kiln.Bench.Micro;

/// <summary>
/// A directory as a layer blob: DirectoryLayerSource's deterministic tar through LayerWriter's pipe into the
/// compressor, diffID and blob digest computed on the way. The sink is <see cref="Stream.Null"/>, so the figure is
/// the CPU path without the store's write, fsync and rename (Kiln.Bench.Store measures those).
/// </summary>
[MemoryDiagnoser]
public class LayerWritingBenchmarks
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private string? _root;
    private DirectoryLayerSource? _source;

    /// <summary>None is the floor: tar and SHA-256 only. Gzip and zstd run at Kiln's default levels.</summary>
    [Params(LayerCompression.None, LayerCompression.Gzip, LayerCompression.Zstd)]
    public LayerCompression Compression { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = SampleTree.NewTemporaryDirectory("layer-source");
        SampleTree.Create(_root);
        _source = new DirectoryLayerSource(_root, new DirectoryLayerOptions { SourceDateEpoch = Epoch });

        // Layers are deterministic; a writer that was not would make the runs measure different work.
        var first = await WriteAsync().ConfigureAwait(false);
        var second = await WriteAsync().ConfigureAwait(false);
        if (first != second)
        {
            throw new InvalidOperationException($"two writes of the same tree differ: {first} and {second}");
        }

        // Shows in the benchmark's log: the sizes behind the MB/s a reader will work out from the table.
        Console.WriteLine($"// layer {Compression}: tar {first.UncompressedSize} bytes, blob {first.Size} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => SampleTree.Delete(_root);

    [Benchmark]
    public Task<LayerBlob> WriteAsync() =>
        LayerWriter.WriteAsync(_source!.WriteAsync, Stream.Null, new LayerWriterOptions { Compression = Compression }, CancellationToken.None);
}
