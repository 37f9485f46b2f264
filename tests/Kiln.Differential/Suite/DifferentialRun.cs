using System.Collections.Concurrent;

namespace Kiln.Differential.Suite;

/// <summary>
/// Builds the whole corpus once per test run, with Kiln and with each case's oracles, a few builds at a time
/// (<c>KILN_DIFF_JOBS</c>, 3 by default: the daemons build in their own processes, so three keep two cores busy
/// without starving the other test projects); each test awaits its own case. The oracles must be up (scripts/oracles
/// starts them): one that is not is a failure of every case, in CI and on a laptop alike, never a skip.
/// </summary>
public sealed class DifferentialRun : IAsyncLifetime
{
    public const string BaseImage = "kiln-diff/busybox:1";

    private readonly ConcurrentDictionary<(string Case, string Builder), Task<BuildOutcome>> _builds = new();
    private string _scratch = string.Empty;

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the differential suite builds as root (kiln's overlayfs and RUN, the docker sockets)");
        }

        _scratch = Directory.CreateTempSubdirectory("kiln-diff-").FullName;
        var baseArchive = Path.Combine(_scratch, "base.tar");
        await CheckOraclesAsync(baseArchive);
        var kiln = new KilnBuilder(baseArchive);
        var jobs = new SemaphoreSlim(int.TryParse(Environment.GetEnvironmentVariable("KILN_DIFF_JOBS"), out var n) && n > 0 ? n : 3);
        foreach (var name in CorpusCase.Names())
        {
            var prepared = new Lazy<Task<PreparedCase>>(() => PreparedCase.PrepareAsync(CorpusCase.Load(name), _scratch));
            var oracles = SafeLoad(name)?.Oracles ?? [];
            foreach (var builder in new ICaseBuilder[] { kiln }.Concat(oracles.Select(DockerOracle.Named)))
            {
                _builds[(name, builder.Name)] = RunAsync(jobs, prepared, builder);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_builds.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        var mounted = File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4].StartsWith(_scratch, StringComparison.Ordinal));
        if (_scratch.Length > 0 && !mounted)
        {
            // rm, not Directory.Delete: .NET cannot name the files whose names are not UTF-8 that some cases make.
            await Tools.RunAsync("rm", ["-rf", "--one-file-system", _scratch]);
        }
    }

    internal Task<BuildOutcome> OutcomeAsync(string caseName, string builder) =>
        _builds.TryGetValue((caseName, builder), out var build)
            ? build
            : throw new InvalidOperationException($"case {caseName} has no build by {builder}");

    private static CorpusCase? SafeLoad(string name)
    {
        try
        {
            return CorpusCase.Load(name);
        }
        catch (InvalidDataException)
        {
            return null; // the test of this case loads it again and shows the error
        }
    }

    private static async Task CheckOraclesAsync(string baseArchive)
    {
        var ids = new List<string>();
        foreach (var oracle in new[] { DockerOracle.Docker2010, DockerOracle.Docker26 })
        {
            try
            {
                ids.Add((await oracle.DockerAsync("image", "inspect", "-f", "{{.Id}}", BaseImage)).Trim());
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(
                    $"the BuildKit oracle {oracle.Name} is not up or lacks {BaseImage}: run scripts/oracles (as root). {e.Message}", e);
            }
        }

        if (ids[0] != ids[1])
        {
            throw new InvalidOperationException($"{BaseImage} differs between the oracles ({ids[0]} and {ids[1]}): run scripts/oracles");
        }

        await DockerOracle.Docker2010.DockerAsync("save", "-o", baseArchive, BaseImage);
    }

    private async Task<BuildOutcome> RunAsync(SemaphoreSlim jobs, Lazy<Task<PreparedCase>> prepared, ICaseBuilder builder)
    {
        await jobs.WaitAsync();
        try
        {
            var ready = await prepared.Value;
            var scratch = Path.Combine(_scratch, ready.Case.Name + ".out", builder.Name);
            Directory.CreateDirectory(scratch);
            return await builder.BuildAsync(ready, scratch);
        }
        finally
        {
            jobs.Release();
        }
    }
}
