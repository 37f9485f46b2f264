namespace Kiln.Testing;

/// <summary>
/// A git repository made for a test with Debian's git (a work tree with a fixed author and clock), published as a
/// bare repository under a server's root with <see cref="Publish"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GitRepository
{
    private int _clock = 1_600_000_000;

    private GitRepository(string path)
    {
        Path = path;
    }

    /// <summary>The work tree.</summary>
    public string Path { get; }

    public static GitRepository Init(string path)
    {
        Directory.CreateDirectory(path);
        var repository = new GitRepository(path);
        repository.Git("-c", "init.defaultBranch=main", "init", "-q");
        return repository;
    }

    public GitRepository Write(string relative, string content, bool executable = false)
    {
        var file = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        File.SetUnixFileMode(file, executable ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4);
        return this;
    }

    public GitRepository Symlink(string relative, string target)
    {
        File.CreateSymbolicLink(System.IO.Path.Combine(Path, relative), target);
        return this;
    }

    /// <summary>Commits everything; returns the commit id.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    /// <summary>Runs git in the work tree with the fixed author and a clock that moves a second per call.</summary>
    public string Git(params string[] arguments)
    {
        _clock++;
        var date = $"@{_clock} +0000";
        var environment = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = "Kiln Test",
            ["GIT_AUTHOR_EMAIL"] = "test@kiln.invalid",
            ["GIT_COMMITTER_NAME"] = "Kiln Test",
            ["GIT_COMMITTER_EMAIL"] = "test@kiln.invalid",
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_DATE"] = date,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["HOME"] = "/dev/null",
        };
        return System.Text.Encoding.UTF8.GetString(Tools.RunBytes("git", ["-c", "protocol.file.allow=always", .. arguments], Path, environment));
    }

    /// <summary>The commit's time (seconds since the epoch).</summary>
    public long CommitTime(string commit) => long.Parse(Git("log", "-1", "--format=%ct", commit).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Mirrors every branch and tag to <c>ROOT/NAME</c> (a bare repository, made on first use).</summary>
    public void Publish(string root, string name)
    {
        var bare = System.IO.Path.Combine(root, name);
        if (!Directory.Exists(bare))
        {
            Tools.RunBytes("git", ["-c", "init.defaultBranch=main", "init", "-q", "--bare", bare]);
        }

        Git("push", "-q", "--force", "--mirror", bare);
    }
}
