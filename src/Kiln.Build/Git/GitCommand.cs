using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;

namespace Kiln.Build.Git;

/// <summary>
/// Runs Debian's <c>git</c> as BuildKit's gitutil.GitCLI does: a clean environment (no system, global or user config,
/// no terminal prompts, C locale, only PATH, the proxy variables and the ssh agent kept), <c>protocol.file.allow=user</c>
/// so that a repository cannot pull host files in as submodules, ssh with no config file, and umask 022 so that the
/// files it writes are 0644 or 0755 whatever kiln's own umask is. Callers put every URL and ref after <c>--</c> or
/// where git takes no option, so that none is read as one.
/// </summary>
internal sealed class GitCommand
{
    private const string GitProgram = "git";
    private const string ShellProgram = "/bin/sh";

    private static readonly string[] ProxyVariables =
        ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy"];

    private readonly ImmutableDictionary<string, string> _environment;
    private readonly ImmutableArray<string> _location;
    private readonly string? _workTree;
    private readonly Action<string>? _log;

    private GitCommand(ImmutableDictionary<string, string> environment, ImmutableArray<string> location, string? workTree, Action<string>? log)
    {
        _environment = environment;
        _location = location;
        _workTree = workTree;
        _log = log;
    }

    /// <summary>A command for fetching <paramref name="remote"/>, with what <paramref name="access"/> gives it.</summary>
    /// <param name="log">Gets each line git prints (its progress, shown under the step).</param>
    public static GitCommand For(string remote, GitAccess access, Action<string>? log)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(access);
        var environment = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        environment["PATH"] = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        environment["GIT_TERMINAL_PROMPT"] = "0";

        // BuildKit scans the host's key on the client and trusts it: the same as taking the key the host offers.
        environment["GIT_SSH_COMMAND"] = "ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR";
        environment["LC_ALL"] = "C";
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["HOME"] = "/dev/null";
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        foreach (var variable in ProxyVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value)
            {
                environment[variable] = value;
            }
        }

        if (access.SshAgentSocket is { } socket)
        {
            environment["SSH_AUTH_SOCK"] = socket;
        }

        // The header goes in through the environment (git's GIT_CONFIG_COUNT), not the command line that any
        // process on the host can read.
        if (AuthorizationHeader(remote, access) is { } header)
        {
            environment["GIT_CONFIG_COUNT"] = "1";
            environment["GIT_CONFIG_KEY_0"] = "http." + TokenScope(remote) + ".extraheader";
            environment["GIT_CONFIG_VALUE_0"] = "Authorization: " + header;
        }

        return new GitCommand(environment.ToImmutable(), [], null, log);
    }

    /// <summary>The same command run against <paramref name="gitDirectory"/> (and <paramref name="workTree"/> when given).</summary>
    public GitCommand In(string gitDirectory, string? workTree = null)
    {
        var location = ImmutableArray.Create("--git-dir", gitDirectory);
        return new GitCommand(_environment, workTree is null ? location : location.AddRange("--work-tree", workTree), workTree, _log);
    }

    /// <summary>Runs git with <paramref name="arguments"/>; its standard output, or a <see cref="GitException"/> with what it printed.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await TryRunAsync(arguments, cancellationToken).ConfigureAwait(false);
        return exitCode == 0 ? output : throw new GitException($"git {FirstWord(arguments)} failed: {error.Trim()}");
    }

    /// <summary>Runs git and returns its exit code, standard output and standard error.</summary>
    public async Task<(int ExitCode, string Output, string Error)> TryRunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        // umask is per process: the shell sets it for git alone, then execs it with the arguments untouched ("$@").
        var start = new ProcessStartInfo(ShellProgram)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,

            // As gitutil runs it: in the work tree (git submodule needs to be inside one).
            WorkingDirectory = _workTree ?? "/",
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("umask 022 && exec \"$0\" \"$@\"");
        start.ArgumentList.Add(GitProgram);
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("protocol.file.allow=user");
        foreach (var argument in _location.AddRange(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new GitException("could not start git");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var error = new StringBuilder();
        var reading = Task.WhenAll(ReadAsync(process.StandardOutput, output, false), ReadAsync(process.StandardError, error, true));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // git starts helpers (ssh, git-remote-http, index-pack): none outlives the build.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, output.ToString(), error.ToString());
    }

    private async Task ReadAsync(StreamReader reader, StringBuilder into, bool log)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            into.Append(line).Append('\n');
            if (log && line.Length > 0)
            {
                _log?.Invoke(line);
            }
        }
    }

    /// <summary>The git command run (after any <c>-c NAME=VALUE</c>), for messages.</summary>
    private static string FirstWord(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == "-c")
            {
                i++;
            }
            else if (!list[i].StartsWith('-'))
            {
                return list[i];
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// BuildKit's order: GIT_AUTH_HEADER.HOST, GIT_AUTH_TOKEN.HOST, GIT_AUTH_HEADER, GIT_AUTH_TOKEN; a token is sent as
    /// basic auth of <c>x-access-token:TOKEN</c>, a header as it is. Only http(s) remotes carry one.
    /// </summary>
    private static string? AuthorizationHeader(string remote, GitAccess access)
    {
        if (!Uri.TryCreate(remote, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }

        // Go's url.Host: the authority as written, port included, without the user.
        var authority = remote[(remote.IndexOf("://", StringComparison.Ordinal) + 3)..];
        authority = authority[..(authority.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? slash : authority.Length)];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        foreach (var (name, token) in new[] { ("GIT_AUTH_HEADER." + host, false), ("GIT_AUTH_TOKEN." + host, true), ("GIT_AUTH_HEADER", false), ("GIT_AUTH_TOKEN", true) })
        {
            if (access.Secrets.TryGetValue(name, out var value))
            {
                var text = Encoding.UTF8.GetString(value.AsSpan());
                return token ? "basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + text)) : text;
            }
        }

        return null;
    }

    /// <summary>The header is for this remote only, except that BuildKit lets a github.com token serve every github.com remote (submodules too).</summary>
    private static string TokenScope(string remote)
    {
        foreach (var prefix in new[] { "https://github.com/", "https://www.github.com/" })
        {
            if (remote.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return remote;
    }
}
