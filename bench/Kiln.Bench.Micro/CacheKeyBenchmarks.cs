using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Kiln.Build.Cache;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Bench.Micro;

/// <summary>
/// The cache key of one RUN and one COPY step (CacheKeys' canonical, length-prefixed encoding hashed with SHA-256),
/// computed once per step on every build, cached or not. Inputs look like a typical Debian-based Dockerfile's.
/// </summary>
[MemoryDiagnoser]
public class CacheKeyBenchmarks
{
    private CacheKey _parent;
    private RunKeyInput? _run;
    private CopyKeyInput? _copy;

    [GlobalSetup]
    public void Setup()
    {
        var platform = new OciPlatform("amd64", "linux");
        _parent = CacheKeys.ForBase(Digest.Sha256Of("a base image manifest"u8), platform);
        ImmutableArray<string> shell = ["/bin/sh", "-c"];
        _run = new RunKeyInput(
            Command: [.. shell, "apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git build-essential && rm -rf /var/lib/apt/lists/*"],
            Shell: shell,
            PrependShell: true,
            Environment:
            [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "DEBIAN_FRONTEND=noninteractive",
                "LANG=C.UTF-8",
                "GOLANG_VERSION=1.23.4",
                "GOPATH=/go",
                "GOTOOLCHAIN=local",
                "HOME=/root",
                "VERSION=1.2.3",
                "TARGETOS=linux",
                "TARGETARCH=amd64",
            ],
            User: "root",
            WorkingDir: "/src",
            Network: RunNetwork.Default,
            Platform: platform);
        _copy = new CopyKeyInput("COPY", Digest.Sha256Of("the selected sources"u8), "/app/", "/src")
        {
            Chown = "1000:1000",
            Excludes = ["*.md", "docs/"],
        };
    }

    [Benchmark]
    public CacheKey Run() => CacheKeys.ForRun(_parent, _run!);

    [Benchmark]
    public CacheKey Copy() => CacheKeys.ForCopy(_parent, _copy!);
}
