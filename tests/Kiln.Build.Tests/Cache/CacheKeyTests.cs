using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Kiln.Build.Cache;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Tests.Cache;

/// <summary>
/// Keys are pinned by TestData/keys.golden: a change of the encoding must change <see cref="CacheKeys.EncodingVersion"/>
/// too (then the golden file is rewritten with <c>KILN_UPDATE_GOLDEN=1</c>).
/// </summary>
public sealed class CacheKeyTests
{
    private static readonly OciPlatform Amd64 = new("amd64", "linux");
    private static readonly Digest Manifest = Digest.Parse("sha256:" + new string('a', 64));
    private static readonly Digest Sources = Digest.Parse("sha256:" + new string('b', 64));

    private static RunKeyInput Run => new(
        ["/bin/sh", "-c", "go mod download"], ["/bin/sh", "-c"], true, ["PATH=/usr/bin", "GOFLAGS=-mod=mod"], "", "/workspace", RunNetwork.Default, Amd64);

    private static RunKeyInput Script => Run with
    {
        Command = ["/bin/sh", "-c", "/dev/pipes/EOF"],
        Heredocs = [("EOF", "#!/bin/sh\necho hi\n")],
        Files = [("/dev/pipes/EOF", (UnixFileMode)0b111_101_101, Digest.Sha256Of("#!/bin/sh\necho hi\n"u8))],
    };

    private static CopyKeyInput Copy => new("COPY", Sources, "go.mod", "/workspace");

    private static ImmutableSortedDictionary<string, string> Keys()
    {
        var scratch = CacheKeys.ForBase(null, Amd64);
        var image = CacheKeys.ForBase(Manifest, Amd64);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["base-scratch"] = scratch.ToString(),
            ["base-image"] = image.ToString(),
            ["run"] = CacheKeys.ForRun(image, Run).ToString(),
            ["run-heredoc"] = CacheKeys.ForRun(image, Run with { Heredocs = [("EOF", "echo hi\n")] }).ToString(),
            ["run-script"] = CacheKeys.ForRun(image, Script).ToString(),
            ["copy"] = CacheKeys.ForCopy(image, Copy).ToString(),
            ["copy-flags"] = CacheKeys.ForCopy(image, Copy with { Chown = "10001:10001", Chmod = "0755", Link = true, Excludes = ["*.md"] }).ToString(),
            ["add-unpack"] = CacheKeys.ForCopy(image, Copy with { Keyword = "ADD", Unpack = true }).ToString(),
            ["workdir"] = CacheKeys.ForWorkdir(image, "/workspace", "10001").ToString(),
            ["version"] = CacheKeys.EncodingVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    [Fact]
    public void Keys_match_the_golden_file()
    {
        var path = Path.Combine(Folder(), "TestData", "keys.golden");
        var actual = string.Join('\n', Keys().Select(p => $"{p.Key} {p.Value}")) + "\n";
        if (Environment.GetEnvironmentVariable("KILN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void The_encoding_is_length_prefixed_and_versioned()
    {
        var trace = CacheKeys.TraceRun(CacheKeys.ForBase(null, Amd64), Run with { Command = ["ab", "c"] });
        Assert.StartsWith("kiln-cache\0\0\0\0\u0001", System.Text.Encoding.Latin1.GetString(trace), StringComparison.Ordinal);
        var joined = CacheKeys.ForRun(default(CacheKey) with { Value = Manifest }, Run with { Command = ["ab", "c"] });
        var split = CacheKeys.ForRun(default(CacheKey) with { Value = Manifest }, Run with { Command = ["a", "bc"] });
        Assert.NotEqual(joined, split);
    }

    [Fact]
    public void Env_order_does_not_matter_but_every_other_input_does()
    {
        var parent = CacheKeys.ForBase(Manifest, Amd64);
        var key = CacheKeys.ForRun(parent, Run);
        Assert.Equal(key, CacheKeys.ForRun(parent, Run with { Environment = ["GOFLAGS=-mod=mod", "PATH=/usr/bin"] }));
        RunKeyInput[] changed =
        [
            Run with { Command = ["/bin/sh", "-c", "go build"] },
            Run with { Shell = ["/bin/bash", "-c"] },
            Run with { PrependShell = false },
            Run with { Environment = ["PATH=/usr/bin"] },
            Run with { User = "10001" },
            Run with { WorkingDir = "/" },
            Run with { Network = RunNetwork.None },
            Run with { Platform = new OciPlatform("arm64", "linux") },
            Run with { Heredocs = [("EOF", "x")] },
            Script,
            Script with { Files = [Script.Files[0] with { Content = Sources }] },
            Script with { Files = [Script.Files[0] with { Mode = (UnixFileMode)0b111_000_000 }] },
            Script with { Files = [Script.Files[0] with { Path = "/dev/pipes/X" }] },
            Run with { Mounts = ["cache target=/root/.cache ro=False id=/root/.cache sharing=Shared mode=755 uid=0 gid=0"] },
            Run with { Mounts = ["cache target=/root/.cache ro=False id=other sharing=Shared mode=755 uid=0 gid=0"] },
            Run with { Mounts = ["tmpfs target=/tmp ro=False size="] },
            Run with { Insecure = true },
            Run with { ExtraHosts = ["10.0.0.5\tdb"] },
            Run with { Limits = ["shm=1073741824"] },
            Run with { Limits = ["nofile=1024:1024"] },
            Run with { Mounts = ["bind target=/src/go.mod ro=True from= source=go.mod content=sha256:" + new string('0', 64)] },
            Run with { Mounts = ["bind target=/src/go.mod ro=True from= source=go.mod content=sha256:" + new string('1', 64)] },
        ];
        Assert.Equal(changed.Length + 2, changed.Select(c => CacheKeys.ForRun(parent, c)).Append(key).Append(CacheKeys.ForRun(CacheKeys.ForBase(null, Amd64), Run)).Distinct().Count());

        var copy = CacheKeys.ForCopy(parent, Copy);
        CopyKeyInput[] copies =
        [
            Copy with { Sources = Manifest },
            Copy with { Destination = "/" },
            Copy with { WorkingDir = "/" },
            Copy with { Chown = "1" },
            Copy with { Chmod = "644" },
            Copy with { Link = true },
            Copy with { Parents = true },
            Copy with { Excludes = ["x"] },
            Copy with { Keyword = "ADD" },
            Copy with { Unpack = false },
        ];
        Assert.Equal(copies.Length + 1, copies.Select(c => CacheKeys.ForCopy(parent, c)).Append(copy).Distinct().Count());
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
