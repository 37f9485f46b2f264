using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// Kiln's micro-benchmarks; see README.md. Arguments are BenchmarkDotNet's (--filter, --job, --list, ...).
// The default job is shorter than BenchmarkDotNet's own so that the whole suite stays within about ten minutes on
// a shared 2-core machine; "--job short" gives a quicker, rougher look, "--job default" BenchmarkDotNet's full runs.
var job = Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(12)
    .WithId("Kiln")
    .AsDefault();
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddJob(job));
return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
