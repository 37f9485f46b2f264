using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiln.Content.Compression;
using Kiln.Content.Tar;

// Layer writing benchmark, and a helper for the cross-process determinism test.
//   digest DIR [none|gzip|zstd] [LEVEL]      print "digest size diffid uncompressed" of DIR as a layer
//   write DIR OUT [none|gzip|zstd] [LEVEL]   also keep the blob in OUT
//   bench [--dir DIR] [--files N] [--mb M] [--runs R] [--configs gzip:1,gzip:6,zstd:3]
var culture = CultureInfo.InvariantCulture;
var mode = args.Length > 0 ? args[0] : "bench";
switch (mode)
{
    case "digest" or "write" when args.Length >= 2:
    {
        var write = mode == "write";
        var rest = args.Skip(write ? 3 : 2).ToArray();
        var options = new LayerWriterOptions
        {
            Compression = rest.Length > 0 ? Enum.Parse<LayerCompression>(rest[0], ignoreCase: true) : LayerCompression.Gzip,
            Level = rest.Length > 1 ? int.Parse(rest[1], culture) : null,
        };
        var source = new DirectoryLayerSource(args[1], new DirectoryLayerOptions { SourceDateEpoch = SourceDateEpoch.FromEnvironment() });
        var output = write ? File.Create(args[2]) : Stream.Null;
        await using (output)
        {
            var blob = await LayerWriter.WriteAsync(source.WriteAsync, output, options, CancellationToken.None);
            Console.WriteLine($"{blob.Digest} {blob.Size} {blob.DiffId} {blob.UncompressedSize}");
        }

        return 0;
    }

    case "bench":
        return await Bench.RunAsync(args.Skip(1).ToArray());
    default:
        await Console.Error.WriteLineAsync("usage: digest DIR [none|gzip|zstd] [LEVEL] | write DIR OUT [none|gzip|zstd] [LEVEL] | bench [--dir DIR] [--files N] [--mb M] [--runs R] [--configs gzip:6,zstd:3]");
        return 2;
}

internal static class Bench
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var directory = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "kiln-bench-tree");
        var files = int.Parse(Option(args, "--files") ?? "20000", Culture);
        var megabytes = int.Parse(Option(args, "--mb") ?? "200", Culture);
        var runs = int.Parse(Option(args, "--runs") ?? "2", Culture);
        var configs = (Option(args, "--configs") ?? "none:0,gzip:1,gzip:3,gzip:6,zstd:1,zstd:3,zstd:6")
            .Split(',')
            .Select(c => c.Split(':'))
            .Select(p => (Compression: p[0] == "tar" ? (LayerCompression)(-1) : Enum.Parse<LayerCompression>(p[0], ignoreCase: true), Level: int.Parse(p[1], Culture)))
            .ToArray();

        var inputBytes = TreeGenerator.Ensure(directory, files, (long)megabytes * 1024 * 1024);
        Console.WriteLine($"tree: {directory}, {files} files, {inputBytes / 1e6:F1} MB of file content (page cache warm after generation)");
        Console.WriteLine($"cores: {Environment.ProcessorCount}, load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("config     run  wall s   cpu s   MB/s wall  MB/s per cpu-s  ratio   tar MB   blob MB  peak RSS MB");
        var output = Path.Combine(Path.GetTempPath(), "kiln-bench-layer.blob");
        foreach (var (compression, level) in configs)
        {
            for (var run = 1; run <= runs; run++)
            {
                GC.Collect();
                ResetPeakRss();
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                LayerBlob blob;
                var destination = File.Create(output);
                await using (destination.ConfigureAwait(false))
                {
                    if ((int)compression == -1)
                    {
                        // The tar alone, no pipe, no hashing: the floor under every other configuration.
                        var counter = new CountingStream();
                        await new DirectoryLayerSource(directory).WriteAsync(counter, CancellationToken.None).ConfigureAwait(false);
                        blob = new LayerBlob(default, counter.Count, default, counter.Count, "tar only");
                        goto measured;
                    }

                    var options = new LayerWriterOptions { Compression = compression, Level = compression == LayerCompression.None ? null : level };
                    blob = await LayerWriter.WriteAsync(new DirectoryLayerSource(directory).WriteAsync, destination, options, CancellationToken.None).ConfigureAwait(false);
                }

                measured:
                clock.Stop();
                process.Refresh();
                var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                var megabytesIn = inputBytes / 1e6;
                Console.WriteLine(string.Create(
                    Culture,
                    $"{compression,-5}:{level,-3} {run,3}  {clock.Elapsed.TotalSeconds,6:F2}  {cpu,6:F2}  {megabytesIn / clock.Elapsed.TotalSeconds,9:F1}  {megabytesIn / cpu,14:F1}  {(double)blob.UncompressedSize / blob.Size,5:F2}  {blob.UncompressedSize / 1e6,7:F1}  {blob.Size / 1e6,8:F1}  {PeakRssMegabytes(),11:F1}"));
            }
        }

        File.Delete(output);
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    // Writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)), so each run reports its own peak.
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static double PeakRssMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], Culture) / 1024.0;
    }
}

internal sealed class CountingStream : Stream
{
    public long Count { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Count;

    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Count += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count += buffer.Length;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A fixed pseudo-random tree like an application image: mostly small source files, some binaries. Text is
/// drawn from a code-like vocabulary (gzip ~4x), binaries mix random bytes with repeated structures (~1.5-2x).
/// </summary>
internal static class TreeGenerator
{
    private static readonly string[] Words =
    [
        "public", "static", "void", "return", "if", "else", "for", "while", "var", "int", "string", "class", "namespace",
        "using", "await", "async", "new", "null", "true", "false", "this", "private", "readonly", "const", "=>", "{", "}",
        "(", ")", ";", "=", "==", "+", "-", "*", "/", "<", ">", "[", "]", ",", ".", "//", "import", "func", "def", "self",
    ];

    public static long Ensure(string directory, int files, long totalBytes)
    {
        var marker = Path.Combine(directory, ".kiln-bench-complete");
        if (File.Exists(marker))
        {
            return long.Parse(File.ReadAllText(marker), CultureInfo.InvariantCulture);
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var random = new Random(20240601);

        // Sizes: lognormal-ish, then scaled so the tree holds totalBytes.
        var sizes = new double[files];
        for (var i = 0; i < files; i++)
        {
            var u = random.NextDouble();
            sizes[i] = u < 0.9 ? 500 + (random.NextDouble() * 12_000) : u < 0.99 ? 20_000 + (random.NextDouble() * 200_000) : 500_000 + (random.NextDouble() * 4_000_000);
        }

        var scale = totalBytes / sizes.Sum();
        long written = 0;
        var buffer = new byte[5_000_000];
        for (var i = 0; i < files; i++)
        {
            var size = (int)(sizes[i] * scale);
            var binary = random.NextDouble() < 0.3;
            var path = Path.Combine(directory, $"d{i % 50:D2}", $"s{i % 7}", (binary ? $"lib{i}.so" : $"file{i}.cs"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var span = buffer.AsSpan(0, size);
            if (binary)
            {
                FillBinary(random, span);
            }
            else
            {
                FillText(random, span);
            }

            File.WriteAllBytes(path, span.ToArray());
            written += size;
        }

        File.WriteAllText(marker, written.ToString(CultureInfo.InvariantCulture));
        return written;
    }

    private static void FillText(Random random, Span<byte> span)
    {
        var builder = new StringBuilder(span.Length + 64);
        while (builder.Length < span.Length)
        {
            var roll = random.Next(10);
            if (roll < 7)
            {
                builder.Append(Words[random.Next(Words.Length)]);
            }
            else
            {
                // identifiers: a few letters of noise, which keeps the ratio near real source code
                for (var k = random.Next(3, 10); k > 0; k--)
                {
                    builder.Append((char)('a' + random.Next(26)));
                }
            }

            builder.Append(random.Next(8) == 0 ? "\n    " : " ");
        }

        Encoding.ASCII.GetBytes(builder.ToString(0, span.Length), span);
    }

    private static void FillBinary(Random random, Span<byte> span)
    {
        var position = 0;
        while (position < span.Length)
        {
            var length = Math.Min(span.Length - position, random.Next(16, 512));
            var chunk = span.Slice(position, length);
            switch (random.Next(3))
            {
                case 0:
                    random.NextBytes(chunk);
                    break;
                case 1:
                    chunk.Clear();
                    break;
                default:
                    for (var k = 0; k < chunk.Length; k++)
                    {
                        chunk[k] = (byte)(k % 16 == 0 ? random.Next(256) : (k * 7) & 0x3F);
                    }

                    break;
            }

            position += length;
        }
    }
}
