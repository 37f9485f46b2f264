using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>
/// A RUN's argv, mounted files and environment as BuildKit's dispatchRun makes them: the stage's SHELL in front
/// of the shell form, heredocs handed to the shell or (with <c>#!</c>) run as a script file, the environment of the
/// stage's LLB state (its ENV with the build ARGs written after them over it).
/// </summary>
internal static partial class RunArguments
{
    /// <summary>BuildKit's default when the image sets no PATH (the runc executor adds the same one).</summary>
    public const string DefaultPath = "PATH=" + SystemDefaults.Path;

    /// <summary>
    /// Where BuildKit mounts a <c>#!</c> heredoc script: a read-only directory holding only the script, named after
    /// the heredoc's delimiter (dispatchRun in dockerfile2llb/convert.go). Under the container's <c>/dev</c> tmpfs,
    /// so the mount point is never made in the root.
    /// </summary>
    public const string ScriptDirectory = "/dev/pipes/";

    /// <summary>BuildKit's mode for the script file (<c>llb.Mkfile(name, 0755, data)</c>).</summary>
    public const UnixFileMode ScriptMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    /// <summary>BuildKit's defaults for a cache mount's new directory: mode 0755, owned by root.</summary>
    public const uint DefaultCacheMode = 0x1ED;

    /// <summary>
    /// The RUN's mounts, all five types (the options that do not run yet are refused before the build starts). As
    /// dockerfile2llb does: a relative target is under the working directory, none at all is the working directory,
    /// a cache's id defaults to its target, a bind's source to the root of the context (or of from=), and secrets and
    /// ssh agents are resolved as <see cref="Secret"/> and llb.AddSSHSocket say.
    /// </summary>
    public static ImmutableArray<ExecMount> Mounts(RunInstruction run, string? workingDir)
    {
        if (run.Mounts.IsDefaultOrEmpty)
        {
            return [];
        }

        var mounts = ImmutableArray.CreateBuilder<ExecMount>();
        var agents = 0;
        foreach (var mount in run.Mounts)
        {
            if (mount.Type == MountType.Secret)
            {
                mounts.Add(Secret(mount, workingDir));
                continue;
            }

            if (mount.Type == MountType.Ssh)
            {
                // llb.AddSSHSocket: /run/buildkit/ssh_agent.N, N counting the RUN's ssh mounts.
                var socket = !string.IsNullOrEmpty(mount.Target) ? Config.ImageConfigBuilder.JoinWorkdir(workingDir, mount.Target)
                    : "/run/buildkit/ssh_agent." + agents.ToString(System.Globalization.CultureInfo.InvariantCulture);
                agents++;
                var agent = string.IsNullOrEmpty(mount.Id) ? "default" : mount.Id;
                mounts.Add(new ExecMount(MountType.Ssh, socket, false, agent, MountSharing.Shared, mount.Mode ?? DefaultSshMode, mount.Uid ?? 0, mount.Gid ?? 0, null)
                {
                    Required = mount.Required,
                });
                continue;
            }

            var target = Config.ImageConfigBuilder.JoinWorkdir(workingDir, mount.Target ?? ".");
            mounts.Add(new ExecMount(
                mount.Type,
                target,
                mount.ReadOnly,
                mount.Type == MountType.Cache ? (string.IsNullOrEmpty(mount.Id) ? target : mount.Id) : null,
                mount.Sharing ?? MountSharing.Shared,
                mount.Mode ?? DefaultCacheMode,
                mount.Uid ?? 0,
                mount.Gid ?? 0,
                mount.SizeLimit)
            {
                Source = mount.Type switch
                {
                    MountType.Bind => string.IsNullOrEmpty(mount.Source) ? "." : mount.Source,
                    MountType.Cache when mount.From is not null || CacheSeedDirectory(mount.Source) is not null => CacheSeedDirectory(mount.Source) ?? "/",
                    _ => null,
                },
                From = mount.Type is MountType.Bind or MountType.Cache ? mount.From : null,
            });
        }

        return mounts.ToImmutable();
    }

    /// <summary>A cache mount's source= as dockerfile2llb takes it (path.Join("/", source)): null for none or "/".</summary>
    private static string? CacheSeedDirectory(string? source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return null;
        }

        var cleaned = Config.ImageConfigBuilder.JoinWorkdir("/", source);
        return cleaned == "/" ? null : cleaned;
    }

    /// <summary>BuildKit's default mode of an ssh agent socket: 0600, owned by root.</summary>
    public const uint DefaultSshMode = 0x180;

    /// <summary>BuildKit's default mode of a secret file: 0400, owned by root.</summary>
    public const uint DefaultSecretMode = 0x100;

    /// <summary>
    /// A secret mount as dockerfile2llb resolves it: the id is id=, else source=, else the target's file name; the
    /// file is at target= (under the working directory when relative), else <c>/run/secrets/ID</c>, or nowhere when
    /// only env= is given.
    /// </summary>
    private static ExecMount Secret(RunMount mount, string? workingDir)
    {
        var id = !string.IsNullOrEmpty(mount.Id) ? mount.Id
            : !string.IsNullOrEmpty(mount.Source) ? mount.Source
            : System.IO.Path.GetFileName(mount.Target!.TrimEnd('/'));
        var target = !string.IsNullOrEmpty(mount.Target) ? Config.ImageConfigBuilder.JoinWorkdir(workingDir, mount.Target)
            : !string.IsNullOrEmpty(mount.Env) ? string.Empty
            : "/run/secrets/" + id;
        return new ExecMount(MountType.Secret, target, true, id, MountSharing.Shared, mount.Mode ?? DefaultSecretMode, mount.Uid ?? 0, mount.Gid ?? 0, null)
        {
            SecretEnv = string.IsNullOrEmpty(mount.Env) ? null : mount.Env,
            Required = mount.Required,
        };
    }

    /// <returns>The process, or null with <paramref name="error"/> set for a RUN that cannot be run as written.</returns>
    public static RunProcess? Process(RunInstruction run, ImageConfig config, out string? error)
    {
        error = null;
        var args = run.Command.Args;
        ImmutableArray<ExecFile> files = [];
        if (!run.Heredocs.IsDefaultOrEmpty && run.Command.PrependShell && args.Length == 1)
        {
            var first = run.Heredocs[0];
            if (HeredocOnly().IsMatch(args[0].Trim()))
            {
                var body = first.Chomp ? Chomp(first.Content) : first.Content;

                // BuildKit looks at the body as written (before <<- strips tabs): a tab before #! means no script.
                if (first.Content.StartsWith("#!", StringComparison.Ordinal))
                {
                    if (first.Name is "." or ".." || first.Name.Contains('/', StringComparison.Ordinal) || first.Name.Contains('\0', StringComparison.Ordinal))
                    {
                        error = $"the heredoc script's delimiter \"{first.Name}\" cannot name a file in {ScriptDirectory}, where a script that starts with #! is run from";
                        return null;
                    }

                    // The script is a file, executed through the SHELL (which still goes in front below): its #!
                    // line picks the interpreter. Extra words after the marker never get here: the shell does those.
                    // The path goes to the shell unquoted, as BuildKit passes it: a delimiter with blanks breaks there too.
                    var path = ScriptDirectory + first.Name;
                    files = [new ExecFile(path, [.. Encoding.UTF8.GetBytes(body)], ScriptMode)];
                    args = [path];
                }
                else
                {
                    // A lone heredoc: its body is the shell command (so shells without heredocs work too).
                    args = [body];
                }
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

        return new RunProcess(args, files);
    }

    /// <summary>
    /// The stage's ENV, each entry replaced by the build ARG an ARG line wrote after it (BuildKit keeps one environment
    /// where the last write wins), then the other build ARGs in scope (sorted: a stable key), PATH defaulted.
    /// </summary>
    public static ImmutableArray<string> Env(ImageConfig config, BoundStep step)
    {
        var env = ImmutableArray.CreateBuilder<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in config.Config.Env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? entry : entry[..equals];
            env.Add(step.Args.TryGetValue(key, out var arg) ? $"{key}={arg}" : entry);
            keys.Add(key);
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

    /// <summary>
    /// BuildKit's <c>MustParseHeredoc</c> on the whole command text: <c>[n]&lt;&lt;[-]</c>, blanks, then one shell word
    /// with no <c>&lt;</c> (quoted parts allowed). A marker followed by more words is not a lone heredoc.
    /// </summary>
    [GeneratedRegex("^[0-9]*<<-?[ \t]*(?:\"[^\"<]*\"|'[^'<]*'|[^\\s\"'<])+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeredocOnly();
}
