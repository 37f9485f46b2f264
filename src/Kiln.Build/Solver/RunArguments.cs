using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>
/// A RUN's argv and environment as BuildKit's dispatchRun makes them: the stage's SHELL in front of the shell
/// form, heredocs handed to the shell, the ENV then the build ARGs that ENV does not set.
/// </summary>
internal static partial class RunArguments
{
    /// <summary>BuildKit's default when the image sets no PATH (the runc executor adds the same one).</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    /// <returns>The argv, or null with <paramref name="unsupported"/> set for a form the engine cannot run yet.</returns>
    public static ImmutableArray<string>? Args(RunInstruction run, ImageConfig config, out string? unsupported)
    {
        unsupported = null;
        var args = run.Command.Args;
        if (!run.Heredocs.IsDefaultOrEmpty && run.Command.PrependShell && args.Length == 1)
        {
            var first = run.Heredocs[0];
            if (HeredocOnly().IsMatch(args[0].Trim()))
            {
                if (first.Content.StartsWith("#!", StringComparison.Ordinal))
                {
                    // BuildKit mounts such a script as a file and executes it: that needs a mount.
                    unsupported = "RUN with a heredoc script that starts with #!";
                    return null;
                }

                // A lone heredoc: its body is the shell command (so shells without heredocs work too).
                args = [first.Chomp ? Chomp(first.Content) : first.Content];
            }
            else
            {
                // Anything else: the whole text, bodies and delimiters, goes to the shell, which does the heredocs.
                var full = new StringBuilder(args[0]);
                foreach (var heredoc in run.Heredocs)
                {
                    full.Append('\n').Append(heredoc.Content).Append(heredoc.Name);
                }

                args = [full.ToString()];
            }
        }

        if (run.Command.PrependShell)
        {
            var shell = config.Config.Shell is { IsDefaultOrEmpty: false } custom ? custom : DefaultShell;
            args = shell.AddRange(args);
        }

        return args;
    }

    /// <summary>The stage's ENV, then each build ARG in scope that ENV does not set (sorted: a stable key), PATH defaulted.</summary>
    public static ImmutableArray<string> Env(ImageConfig config, BoundStep step)
    {
        var env = ImmutableArray.CreateBuilder<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in config.Config.Env ?? [])
        {
            env.Add(entry);
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            keys.Add(equals < 0 ? entry : entry[..equals]);
        }

        foreach (var (key, value) in step.Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (keys.Add(key))
            {
                env.Add($"{key}={value}");
            }
        }

        if (!keys.Contains("PATH"))
        {
            env.Add(DefaultPath);
        }

        return env.ToImmutable();
    }

    private static string Chomp(string content) => string.Join('\n', content.Split('\n').Select(line => line.TrimStart('\t')));

    [GeneratedRegex("^[0-9]*<<-?(?:\"[^\"]*\"|'[^']*'|[^\\s\"']+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HeredocOnly();
}
