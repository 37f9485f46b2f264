using System.Text;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Git;

/// <summary>
/// A git repository to fetch, with ADD's flags merged into what its URL says, as dockerfile2llb merges them:
/// <c>--keep-git-dir</c> and <c>--checksum</c> must agree with the URL's <c>keep-git-dir</c> and <c>checksum</c>.
/// </summary>
public sealed record GitSource(GitReference Reference, bool KeepGitDir, string? Checksum)
{
    public string Remote => Reference.Remote;

    /// <summary>A git context or named context: only what its URL says.</summary>
    public static GitSource Parse(string text) => Parse(text, null, null);

    /// <summary><paramref name="text"/> with ADD's <paramref name="keepGitDir"/> and <paramref name="checksum"/>.</summary>
    public static GitSource Parse(string text, bool? keepGitDir, string? checksum)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!GitReference.TryParse(text, out var reference, out var error))
        {
            throw new GitException(error ?? $"{text} is not a git repository URL");
        }

        if (keepGitDir is { } flag && reference!.KeepGitDir is { } fromUrl && flag != fromUrl)
        {
            throw new GitException("inconsistent keep-git-dir configuration");
        }

        if (checksum is { Length: > 0 } && reference!.Checksum is { } urlChecksum && checksum != urlChecksum)
        {
            throw new GitException($"checksum mismatch \"{checksum}\" != \"{urlChecksum}\"");
        }

        var keep = reference!.KeepGitDir ?? keepGitDir ?? false;
        var sum = reference.Checksum ?? (string.IsNullOrEmpty(checksum) ? null : checksum);
        if (sum is not null && !sum.All(char.IsAsciiHexDigit))
        {
            throw new GitException($"invalid checksum {sum} for Git URL, expected hex commit hash");
        }

        return new GitSource(reference, keep, sum);
    }

    /// <summary>
    /// What the checkout is known by (BuildKit's shaToCacheKey): the commit, and the options that change the files;
    /// not the remote, so the same commit over https or ssh is the same content.
    /// </summary>
    public string Identity(GitCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var key = new StringBuilder(KeepGitDir ? commit.Target : commit.Commit);
        if (KeepGitDir)
        {
            key.Append(".git#").Append(commit.Ref);
        }

        if (Reference.SubDir.Length > 0)
        {
            key.Append(':').Append(Reference.SubDir);
        }

        if (Reference.Submodules == false)
        {
            key.Append("(skip-submodules)");
        }

        if (Reference.MTime is "commit")
        {
            key.Append("(mtime=commit)");
        }

        return key.ToString();
    }
}
