using System.Diagnostics;

namespace Kiln.Cli.Commands;

/// <summary>
/// An ssh-agent of kiln's own for one build, holding the key files <c>--ssh ID=KEY[,KEY...]</c> names, as BuildKit
/// loads key files into an agent of its own. OpenSSH's ssh-agent and ssh-add do the key handling, so every key type
/// they read works; a key ssh-add cannot load (one with a passphrase among them) is an error naming it. Disposing stops the agent
/// and deletes its directory.
/// </summary>
internal sealed class SshKeyAgent : IDisposable
{
    private const string AgentProgram = "/usr/bin/ssh-agent";
    private const string AddProgram = "/usr/bin/ssh-add";
    private const string SetsidProgram = "/usr/bin/setsid";

    private readonly Process _agent;
    private readonly string _directory;

    private SshKeyAgent(Process agent, string directory)
    {
        _agent = agent;
        _directory = directory;
    }

    /// <summary>The agent's socket, for RUN --mount=type=ssh.</summary>
    public string SocketPath => Path.Combine(_directory, "agent");

    /// <summary>Starts an agent and adds <paramref name="keys"/>; throws <see cref="InvalidOperationException"/> with a message for the user.</summary>
    public static SshKeyAgent Start(IReadOnlyList<string> keys)
    {
        if (!File.Exists(AgentProgram) || !File.Exists(AddProgram))
        {
            throw new InvalidOperationException($"key files need OpenSSH's ssh-agent and ssh-add ({AgentProgram}, {AddProgram}): install openssh-client");
        }

        // A 0700 directory: nobody else on the host reaches the keys through the socket.
        var directory = Directory.CreateTempSubdirectory("kiln-keys-").FullName;
        var start = new ProcessStartInfo(AgentProgram, ["-D", "-a", Path.Combine(directory, "agent")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var agent = new SshKeyAgent(Process.Start(start)!, directory);
        try
        {
            agent.WaitUntilServing();
            foreach (var key in keys)
            {
                var (exitCode, error) = agent.Add(["-q", key]);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"ssh-add {key} failed: {error.Trim()}");
                }
            }

            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_agent.HasExited)
        {
            _agent.Kill();
            _agent.WaitForExit();
        }

        _agent.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The socket appears at bind(), before the agent listens: ask until it answers (ssh-add -l exits 1 for no keys, 2 for no agent).</summary>
    private void WaitUntilServing()
    {
        var deadline = Stopwatch.StartNew();
        while (Add(["-l"]).ExitCode == 2)
        {
            if (_agent.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"ssh-agent did not start: {(_agent.HasExited ? _agent.StandardError.ReadToEnd().Trim() : "no answer within 10 s")}");
            }

            Thread.Sleep(20);
        }
    }

    private (int ExitCode, string Error) Add(string[] arguments)
    {
        // In a session of its own (setsid), with no askpass: ssh-add has no terminal to ask a passphrase on, so a key
        // that needs one fails at once, as BuildKit's does, instead of prompting in the middle of the build's output.
        var start = File.Exists(SetsidProgram)
            ? new ProcessStartInfo(SetsidProgram, ["--wait", AddProgram, .. arguments])
            : new ProcessStartInfo(AddProgram, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.Environment["SSH_AUTH_SOCK"] = SocketPath;
        start.Environment.Remove("SSH_ASKPASS");
        start.Environment.Remove("DISPLAY");
        start.Environment["SSH_ASKPASS_REQUIRE"] = "never";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }
}
