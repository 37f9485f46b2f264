using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// Kiln's micro-benchmarks; see README.md. Arguments are BenchmarkDotNet's (--filter, --job, --list, --profiler ...).
// Without --job, the job is shorter than BenchmarkDotNet's default so that the whole suite stays within about ten
// minutes on a shared 2-core machine. It is added only then: a config job marked AsDefault wins over the command
// line's --job (seen with 0.15.8), which would make "--job short" or "--job dry" silently run this one instead.
// Reports go under artifacts/ (git-ignored) when run from the repository root; --artifacts overrides it.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Join("artifacts", "benchmarkdotnet"));
if (!args.Any(argument => argument is "-j" or "--job" || argument.StartsWith("--job=", StringComparison.Ordinal)))
{
    config = config.AddJob(Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(12)
        .WithId("Kiln")
        .AsDefault());
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
