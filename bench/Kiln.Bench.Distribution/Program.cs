using System.Collections.Immutable;
using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Kiln.Oci;

// Usage: Kiln.Bench.Distribution [--kiln PATH] [--runs N] [--layers N] [--layer-mb N]
// Times `kiln pull` into an empty root against `skopeo copy docker://... oci:DIR`, and `kiln push` from the store
// against `skopeo copy oci:DIR docker://...`, alternating which tool goes first, and prints medians.
var options = ParseArguments(args);
var kiln = Path.GetFullPath(options.GetValueOrDefault("--kiln", FindRepoFile("artifacts/kiln")));
var runs = int.Parse(options.GetValueOrDefault("--runs", "5"), CultureInfo.InvariantCulture);
var layerCount = int.Parse(options.GetValueOrDefault("--layers", "4"), CultureInfo.InvariantCulture);
var layerMb = int.Parse(options.GetValueOrDefault("--layer-mb", "50"), CultureInfo.InvariantCulture);
const string Skopeo = "/usr/bin/skopeo";
const string RegistryProgram = "/usr/bin/docker-registry";
foreach (var tool in new[] { kiln, Skopeo, RegistryProgram })
{
    if (!File.Exists(tool))
    {
        Console.Error.WriteLine($"{tool} is missing (publish kiln with scripts/publish)");
        return 1;
    }
}

var work = Directory.CreateTempSubdirectory("kiln-bench-distribution-").FullName;
try
{
    Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");
    var layout = Path.Combine(work, "layout");
    var size = await GenerateLayoutAsync(layout, layerCount, layerMb * 1024 * 1024);
    Console.WriteLine($"image: {layerCount} gzip layers, {size / 1e6:F1} MB of blobs");

    await using var source = await Registry.StartAsync(RegistryProgram, Path.Combine(work, "source-registry"));
    await RunAsync(Skopeo, "--insecure-policy", "copy", "-q", "--dest-tls-verify=false", "--preserve-digests", $"oci:{layout}:v1", $"docker://{source.Host}/bench/src:v1");

    var pullKiln = new List<double>();
    var pullSkopeo = new List<double>();
    var pushKiln = new List<double>();
    var pushSkopeo = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var kilnRoot = Path.Combine(work, $"kiln-root-{run}");
        var skopeoDir = Path.Combine(work, $"skopeo-oci-{run}");
        async Task PullKiln() => pullKiln.Add(await TimeAsync(kiln, "pull", "-q", "--root", kilnRoot, $"{source.Host}/bench/src:v1"));
        async Task PullSkopeo() => pullSkopeo.Add(await TimeAsync(Skopeo, "--insecure-policy", "copy", "-q", "--src-tls-verify=false", $"docker://{source.Host}/bench/src:v1", $"oci:{skopeoDir}:v1"));
        if (run % 2 == 0)
        {
            await PullKiln();
            await PullSkopeo();
        }
        else
        {
            await PullSkopeo();
            await PullKiln();
        }

        // A fresh registry per push round: neither tool can mount or skip a blob it saw on an earlier round
        // (skopeo keeps a blob-location cache across runs; kiln mounts from repositories its store names).
        await using (var target = await Registry.StartAsync(RegistryProgram, Path.Combine(work, $"target-registry-{run}")))
        {
            async Task PushKiln() => pushKiln.Add(await TimeAsync(kiln, "push", "-q", "--root", kilnRoot, $"{source.Host}/bench/src:v1", $"{target.Host}/bench/kiln:v1"));
            async Task PushSkopeo() => pushSkopeo.Add(await TimeAsync(Skopeo, "--insecure-policy", "copy", "-q", "--dest-tls-verify=false", "--preserve-digests", $"oci:{skopeoDir}:v1", $"docker://{target.Host}/bench/skopeo:v1"));
            if (run % 2 == 0)
            {
                await PushKiln();
                await PushSkopeo();
            }
            else
            {
                await PushSkopeo();
                await PushKiln();
            }

            target.DeleteStorage();
        }

        Directory.Delete(kilnRoot, recursive: true);
        Directory.Delete(skopeoDir, recursive: true);
        Console.WriteLine($"run {run + 1}: pull kiln {pullKiln[^1]:F2} s, skopeo {pullSkopeo[^1]:F2} s; push kiln {pushKiln[^1]:F2} s, skopeo {pushSkopeo[^1]:F2} s; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    Report("pull", pullKiln, pullSkopeo, size);
    Report("push", pushKiln, pushSkopeo, size);
    Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

static void Report(string what, List<double> kiln, List<double> skopeo, long bytes)
{
    var k = Median(kiln);
    var s = Median(skopeo);
    Console.WriteLine(
        $"{what}: median kiln {k:F2} s ({bytes / 1e6 / k:F0} MB/s), skopeo {s:F2} s ({bytes / 1e6 / s:F0} MB/s); kiln/skopeo = {k / s:F2} (target <= 1.5); runs kiln [{string.Join(", ", kiln.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}] skopeo [{string.Join(", ", skopeo.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))}]");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<double> TimeAsync(string program, params string[] arguments)
{
    var clock = Stopwatch.StartNew();
    await RunAsync(program, arguments);
    return clock.Elapsed.TotalSeconds;
}

static async Task RunAsync(string program, params string[] arguments)
{
    var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}

// Layers of random bytes (incompressible, as binaries mostly are once gzip has had a go), each a gzip tar of a few
// files, written as an OCI layout that skopeo copies into the source registry.
static async Task<long> GenerateLayoutAsync(string layout, int layers, int bytesPerLayer)
{
    var blobs = Path.Combine(layout, "blobs", "sha256");
    Directory.CreateDirectory(blobs);
    var descriptors = ImmutableArray.CreateBuilder<Descriptor>();
    var diffIds = ImmutableArray.CreateBuilder<Digest>();
    var random = new Random(20240601);
    var chunk = new byte[1024 * 1024];
    for (var i = 0; i < layers; i++)
    {
        var temp = Path.Combine(layout, $"layer{i}.tmp");
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = File.Create(temp))
        {
            await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            await using var hashing = new HashingStream(gzip, diffHash);
            await using var tar = new TarWriter(hashing, TarEntryFormat.Pax, leaveOpen: true);
            const int Files = 8;
            for (var f = 0; f < Files; f++)
            {
                var data = new MemoryStream();
                for (var written = 0; written < bytesPerLayer / Files; written += chunk.Length)
                {
                    random.NextBytes(chunk);
                    data.Write(chunk, 0, Math.Min(chunk.Length, (bytesPerLayer / Files) - written));
                }

                data.Position = 0;
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"opt/bench/layer{i}/file{f}.bin") { DataStream = data, ModificationTime = DateTimeOffset.UnixEpoch };
                await tar.WriteEntryAsync(entry);
            }
        }

        diffIds.Add(Digest.FromSha256Hash(diffHash.GetHashAndReset()));
        byte[] hash;
        await using (var read = File.OpenRead(temp))
        {
            hash = await SHA256.HashDataAsync(read);
        }

        var digest = Digest.FromSha256Hash(hash);
        var length = new FileInfo(temp).Length;
        File.Move(temp, Path.Combine(blobs, digest.Encoded), overwrite: true);
        descriptors.Add(new Descriptor(MediaTypes.OciLayerGzip, digest, length));
    }

    var config = OciDocuments.Write(new ImageConfig
    {
        Architecture = OciPlatform.Host.Architecture,
        Os = "linux",
        Created = OciTimestamp.FromUnixSeconds(1_700_000_000),
        Config = new ContainerConfig { Cmd = ["/bin/sh"] },
        RootFs = new RootFs { DiffIds = diffIds.ToImmutable() },
    });
    await File.WriteAllBytesAsync(Path.Combine(blobs, config.Digest.Encoded), config.Raw.ToArray());
    var manifest = OciDocuments.Write(new ImageManifest
    {
        MediaType = MediaTypes.OciManifest,
        Config = config.ToDescriptor(MediaTypes.OciConfig),
        Layers = descriptors.ToImmutable(),
    });
    await File.WriteAllBytesAsync(Path.Combine(blobs, manifest.Digest.Encoded), manifest.Raw.ToArray());
    var entryJson = $$$"""{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{manifest.Digest}}}","size":{{{manifest.Size}}},"annotations":{"org.opencontainers.image.ref.name":"v1"}}""";
    await File.WriteAllTextAsync(Path.Combine(layout, "index.json"), $$"""{"schemaVersion":2,"manifests":[{{entryJson}}]}""");
    await File.WriteAllTextAsync(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    return descriptors.Sum(d => d.Size) + config.Size + manifest.Size;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i]] = args[i + 1];
    }

    return result;
}

static string FindRepoFile(string relative)
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Kiln.slnx")))
        {
            return Path.Combine(directory.FullName, relative);
        }
    }

    return relative;
}

/// <summary>Hashes what passes to the gzip stream: the uncompressed tar, whose digest is the layer's diffID.</summary>
internal sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        hash.AppendData(buffer, offset, count);
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A docker-registry on 127.0.0.1 on a free port, storage in a temp directory.</summary>
internal sealed class Registry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Registry(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Host = $"127.0.0.1:{port}";
    }

    public string Host { get; }

    public static async Task<Registry> StartAsync(string program, string directory)
    {
        Directory.CreateDirectory(directory);
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var config = new StringBuilder();
        config.AppendLine("version: 0.1");
        config.AppendLine("log:\n  level: error\n  accesslog:\n    disabled: true");
        config.AppendLine($"storage:\n  filesystem:\n    rootdirectory: {directory}/storage");
        config.AppendLine($"http:\n  addr: 127.0.0.1:{port}\n  secret: kiln-bench");
        var path = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(path, config.ToString());
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(path);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Registry(process, directory, port);
            }
            catch (SocketException) when (attempt < 400 && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public void DeleteStorage()
    {
        try
        {
            Directory.Delete(Path.Combine(_directory, "storage"), recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
