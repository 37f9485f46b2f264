using System.Globalization;
using System.Text;

namespace Kiln.Bench.Micro;

/// <summary>
/// A deterministic source tree shaped like a mid-sized repository: nested directories, mostly small text files
/// (compressible), some random binaries (incompressible, as object files and images are), a few large files and a
/// few symlinks. The same seed always gives the same bytes, so runs on different days compare.
/// </summary>
internal static class SampleTree
{
    public const int DefaultFiles = 2_000;
    public const long DefaultBytes = 20L * 1024 * 1024;

    // FileDigestCache refuses to remember files changed within the last 2 s ("racily clean"); a tree younger than
    // that would make the warm benchmark measure misses. 2.5 s leaves room for clock granularity.
    private static readonly TimeSpan RacyWindow = TimeSpan.FromMilliseconds(2_500);

    private static readonly string[] Words =
    [
        "namespace", "public", "private", "static", "async", "await", "return", "if", "else", "foreach", "var", "new",
        "string", "int", "long", "bool", "null", "true", "false", "=>", "{", "}", "(", ")", ";", "=", "+", "<", ">",
        "func", "import", "package", "def", "self", "const", "let", "fn", "match", "err", "nil", "//", "context",
        "buffer", "stream", "digest", "layer", "manifest", "config", "index", "cancellationToken", "ConfigureAwait",
    ];

    /// <summary>A fresh, unique directory under the temp directory (BenchmarkDotNet runs each case in its own process).</summary>
    public static string NewTemporaryDirectory(string purpose, string? parent = null)
    {
        var path = Path.Join(parent ?? Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"kiln-micro-{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes the tree under <paramref name="root"/> and returns the number of regular files and their bytes.</summary>
    public static (int Files, long Bytes) Create(string root, int files = DefaultFiles, long totalBytes = DefaultBytes)
    {
        var random = new Random(20261128);
        var sizes = new double[files];
        for (var i = 0; i < files; i++)
        {
            var pick = random.NextDouble();
            sizes[i] = pick switch
            {
                < 0.85 => 200 + (random.NextDouble() * 9_000),
                < 0.98 => 10_000 + (random.NextDouble() * 90_000),
                _ => 200_000 + (random.NextDouble() * 1_300_000),
            };
        }

        var scale = totalBytes / sizes.Sum();
        var buffer = new byte[(int)(sizes.Max() * scale) + 1];
        long written = 0;
        for (var i = 0; i < files; i++)
        {
            var directory = Path.Join(root, Component("pkg", i % 40), Component("sub", i % 5));
            Directory.CreateDirectory(directory);
            var binary = random.NextDouble() < 0.25;
            var name = binary
                ? string.Create(CultureInfo.InvariantCulture, $"blob{i:D5}.bin")
                : string.Create(CultureInfo.InvariantCulture, $"source{i:D5}.cs");
            var content = buffer.AsSpan(0, (int)(sizes[i] * scale));
            if (binary)
            {
                random.NextBytes(content);
            }
            else
            {
                FillText(random, content);
            }

            using (var stream = new FileStream(Path.Join(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(content);
            }

            written += content.Length;

            // A symlink every 200 files: context trees have some, and they take another path in every walker.
            if (i % 200 == 0)
            {
                File.CreateSymbolicLink(Path.Join(directory, name + ".link"), name);
            }
        }

        return (files, written);
    }

    /// <summary>Blocks until files written before the call are old enough for the stat cache to keep them.</summary>
    public static void WaitPastRacyWindow(DateTime writtenUtc)
    {
        var remaining = writtenUtc + RacyWindow - DateTime.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
    }

    public static void Delete(string? path)
    {
        if (path is not null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static string Component(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{index:D2}");

    private static void FillText(Random random, Span<byte> destination)
    {
        var position = 0;
        var column = 0;
        while (position < destination.Length)
        {
            var word = Words[random.Next(Words.Length)];
            var separator = column > 80 ? (byte)'\n' : (byte)' ';
            column = separator == '\n' ? 0 : column + word.Length + 1;
            var count = Math.Min(word.Length, destination.Length - position);
            position += Encoding.ASCII.GetBytes(word.AsSpan(0, count), destination[position..]);
            if (position < destination.Length)
            {
                destination[position++] = separator;
            }
        }
    }
}
