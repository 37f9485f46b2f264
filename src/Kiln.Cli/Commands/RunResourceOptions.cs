using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln build</c>'s cgroup limits for every RUN: docker build's <c>--memory</c>, <c>--memory-swap</c>,
/// <c>--cpu-shares</c>, <c>--cpu-period</c>, <c>--cpu-quota</c>, <c>--cpuset-cpus</c>, <c>--cpuset-mems</c>, and
/// docker run's <c>--cpus</c> and <c>--pids-limit</c>, with docker's units and checks.
/// </summary>
internal sealed partial class RunResourceOptions
{
    /// <summary>docker's floor for --memory (below it the runtime itself would not start).</summary>
    private const long MinimumMemory = 6 * 1024 * 1024;

    /// <summary>The CFS period --cpus is measured against, as docker's.</summary>
    private const long CpusPeriod = 100_000;

    private readonly Option<string?> _memory = new("--memory", "-m")
    {
        Description = "A memory limit for every RUN (64m, 1g); a step that needs more is stopped by the kernel's OOM killer",
        HelpName = "SIZE",
    };

    private readonly Option<string?> _memorySwap = new("--memory-swap")
    {
        Description = "Memory plus swap for every RUN (at least --memory); -1 for unlimited swap (default: the host's swap, as BuildKit leaves it)",
        HelpName = "SIZE",
    };

    private readonly Option<string?> _cpus = new("--cpus") { Description = "CPUs every RUN may use, as a decimal number (1.5)", HelpName = "NUMBER" };

    private readonly Option<string?> _cpuShares = new("--cpu-shares", "-c") { Description = "The CPU weight of every RUN, relative to others (default 1024)", HelpName = "WEIGHT" };

    private readonly Option<string?> _cpuPeriod = new("--cpu-period") { Description = "The CFS period of every RUN in microseconds (1000 to 1000000)", HelpName = "MICROSECONDS" };

    private readonly Option<string?> _cpuQuota = new("--cpu-quota") { Description = "The CPU time every RUN may use per period, in microseconds (at least 1000)", HelpName = "MICROSECONDS" };

    private readonly Option<string?> _cpusetCpus = new("--cpuset-cpus") { Description = "The CPUs every RUN may run on (0-3, 0,1)", HelpName = "LIST" };

    private readonly Option<string?> _cpusetMems = new("--cpuset-mems") { Description = "The memory nodes every RUN may use (0-3, 0,1)", HelpName = "LIST" };

    private readonly Option<string?> _pidsLimit = new("--pids-limit")
    {
        Description = "Processes and threads every RUN may have at once; -1 for unlimited (default: 15% of the host's, as systemd limits a service)",
        HelpName = "NUMBER",
    };

    public IEnumerable<Option> All => [_memory, _memorySwap, _cpus, _cpuShares, _cpuPeriod, _cpuQuota, _cpusetCpus, _cpusetMems, _pidsLimit];

    /// <summary>The limits, or null after writing what is wrong with one.</summary>
    public RunResources? Parse(ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var memory = Size(parse, _memory);
            if (memory is < MinimumMemory)
            {
                throw new FormatException($"invalid --memory: the minimum is 6 MiB (6m), got {memory} bytes");
            }

            var swap = parse.GetValue(_memorySwap) == "-1" ? -1 : Size(parse, _memorySwap);
            if (swap is not null && memory is null)
            {
                throw new FormatException("--memory-swap needs --memory: it is the total of memory and swap");
            }

            if (swap is { } total and >= 0 && total < memory)
            {
                throw new FormatException("--memory-swap must be at least --memory: it is the total of memory and swap");
            }

            var cpuPeriod = Integer(parse, _cpuPeriod, 1000, 1_000_000);
            var cpuQuota = Integer(parse, _cpuQuota, 1000, long.MaxValue);
            if (parse.GetValue(_cpus) is { } cpusText)
            {
                if (cpuPeriod is not null || cpuQuota is not null)
                {
                    throw new FormatException("--cpus cannot be used with --cpu-period or --cpu-quota: it sets both");
                }

                (cpuPeriod, cpuQuota) = (CpusPeriod, CpuQuota(cpusText));
            }

            var pids = Integer(parse, _pidsLimit, -1, long.MaxValue);
            return new RunResources
            {
                Memory = memory,
                MemorySwap = swap,
                CpuShares = (ulong?)Integer(parse, _cpuShares, 1, long.MaxValue),
                CpuPeriod = (ulong?)cpuPeriod,
                CpuQuota = cpuQuota,
                CpusetCpus = CpuList(parse, _cpusetCpus),
                CpusetMems = CpuList(parse, _cpusetMems),

                // 0 is unlimited too, as docker takes it.
                PidsLimit = pids is 0 ? -1 : pids,
            };
        }
        catch (FormatException e)
        {
            error.WriteLine($"ERROR: kiln build: {e.Message}");
            return null;
        }
    }

    /// <summary>--cpus N: N periods of CPU time per period, as docker's NanoCPUs become a quota.</summary>
    private static long CpuQuota(string text)
    {
        var available = Environment.ProcessorCount;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) || cpus < 0.01m || cpus > available)
        {
            throw new FormatException($"invalid --cpus '{text}': expected a number from 0.01 to {available} (this host's CPUs)");
        }

        return (long)(cpus * CpusPeriod);
    }

    private static long? Size(ParseResult parse, Option<string?> option)
    {
        var text = parse.GetValue(option);
        return text is null ? null
            : ByteSize.TryParse(text, out var bytes) && bytes > 0 ? bytes
            : throw new FormatException($"invalid {option.Name} '{text}': expected a size such as 64m or 1g");
    }

    private static long? Integer(ParseResult parse, Option<string?> option, long minimum, long maximum)
    {
        var text = parse.GetValue(option);
        return text is null ? null
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum ? value
            : throw new FormatException(maximum == long.MaxValue
                ? $"invalid {option.Name} '{text}': expected a whole number of at least {minimum}"
                : $"invalid {option.Name} '{text}': expected a whole number from {minimum} to {maximum}");
    }

    private static string? CpuList(ParseResult parse, Option<string?> option)
    {
        var text = parse.GetValue(option);
        return text is null || ListPattern().IsMatch(text) ? text
            : throw new FormatException($"invalid {option.Name} '{text}': expected numbers and ranges such as 0-3 or 0,2");
    }

    [GeneratedRegex(@"^\d+(-\d+)?(,\d+(-\d+)?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ListPattern();
}
