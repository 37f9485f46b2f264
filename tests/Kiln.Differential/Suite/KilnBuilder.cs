using System.Diagnostics;
using Kiln.Cli;
using Kiln.Differential.Images;

namespace Kiln.Differential.Suite;

/// <summary>
/// <c>kiln build</c> in process, each case in a store of its own that starts with the suite's base image loaded from
/// the archive the oracles hold (same layers, same config, same image ID), then <c>kiln save</c>.
/// </summary>
internal sealed class KilnBuilder(string baseArchive) : ICaseBuilder
{
    public string Name => "kiln";

    public async Task<BuildOutcome> BuildAsync(PreparedCase prepared, string scratch)
    {
        var clock = Stopwatch.StartNew();
        var store = Path.Combine(scratch, "kiln-store");
        var archive = Path.Combine(scratch, "kiln.tar");
        var tag = $"kiln-diff/{prepared.Case.Name}:kiln";
        var load = await KilnAsync("--root", store, "load", "-i", baseArchive);
        if (load.ExitCode != 0)
        {
            throw new InvalidOperationException($"kiln load of the base image failed: {load.Error}");
        }

        var build = await KilnAsync(["--root", store, "build", "--progress", "plain", "-t", tag, "-f", prepared.Dockerfile, .. prepared.BuildFlags(), prepared.Context]);
        if (build.ExitCode != 0)
        {
            return BuildOutcome.Failed(Name, LastLines(build.Error), clock.Elapsed);
        }

        var save = await KilnAsync("--root", store, "save", "-o", archive, tag);
        if (save.ExitCode != 0)
        {
            throw new InvalidOperationException($"kiln save failed: {save.Error}");
        }

        var image = BuiltImage.ReadArchive(archive, Path.Combine(scratch, "kiln-archive"));
        File.Delete(archive);
        return new BuildOutcome(Name, image, null, clock.Elapsed);
    }

    /// <summary>The error lines of a build log (BuildKit's and Kiln's say ERROR or error), else its last lines.</summary>
    public static string LastLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        return string.Join(" / ", errors.Count > 0 ? errors.TakeLast(3) : lines.TakeLast(3));
    }

    private static Task<(int ExitCode, string Output, string Error)> KilnAsync(params string[] args) => Task.Run(() =>
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = KilnApp.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    });
}
