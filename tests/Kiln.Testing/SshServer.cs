using System.Diagnostics;

namespace Kiln.Testing;

/// <summary>
/// Debian's OpenSSH server on 127.0.0.1 and a free port, with a host key, a config and an authorized key of its own
/// (nothing of the host's /etc/ssh is read): git over ssh for the tests, as root. <see cref="ClientKey"/> is the private
/// key it lets in.
/// </summary>
public sealed class SshServer : IDisposable
{
    private const string Program = "/usr/sbin/sshd";
    private const string KeyGen = "/usr/bin/ssh-keygen";

    private readonly Process _sshd;

    private SshServer(string directory, int port, Process sshd)
    {
        Directory = directory;
        Port = port;
        _sshd = sshd;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The private key (ed25519, no passphrase) whose public half is authorized.</summary>
    public string ClientKey => Path.Combine(Directory, "client");

    /// <summary>An ssh:// URL of <paramref name="path"/> (absolute) on this server, as root.</summary>
    public string Url(string path) => $"ssh://root@127.0.0.1:{Port}{path}";

    public static async Task<SshServer> StartAsync(string directory)
    {
        Tools.Require(Program);
        Tools.Require(KeyGen);
        System.IO.Directory.CreateDirectory(directory);

        // sshd refuses to start without its privilege separation directory (Debian makes it at boot).
        System.IO.Directory.CreateDirectory("/run/sshd");
        var host = Path.Combine(directory, "host");
        var client = Path.Combine(directory, "client");
        await Tools.RunAsync(KeyGen, ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "kiln-test-host", "-f", host]);
        await Tools.RunAsync(KeyGen, ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "kiln-test-client", "-f", client]);
        File.Copy(client + ".pub", Path.Combine(directory, "authorized_keys"));
        var port = Tools.FreePort();
        var config = Path.Combine(directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {host}
            AuthorizedKeysFile {Path.Combine(directory, "authorized_keys")}
            PidFile {Path.Combine(directory, "sshd.pid")}
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            AllowTcpForwarding no
            X11Forwarding no

            """);
        var start = new ProcessStartInfo(Program, ["-D", "-e", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var sshd = Process.Start(start)!;
        sshd.BeginOutputReadLine();
        sshd.BeginErrorReadLine();
        var server = new SshServer(directory, port, sshd);
        try
        {
            await Tools.WaitForPortAsync(port, () => sshd.HasExited, "sshd");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_sshd.HasExited)
        {
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit();
        }

        _sshd.Dispose();
    }
}
