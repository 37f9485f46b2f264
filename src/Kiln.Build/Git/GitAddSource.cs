using System.Text;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Git;

/// <summary>
/// <c>ADD [--keep-git-dir] [--checksum=COMMIT] URL DEST</c> as dockerfile2llb makes it: the repository's tree at the
/// ref (or its subdirectory) copied into DEST as a directory's content is (<c>COPY . DEST</c> from the checkout, with
/// --chown, --chmod and --link as given). The step is keyed by the commit the ref names now, not by the files, as
/// BuildKit keys its git source: a rebuild of the same commit fetches nothing.
/// </summary>
internal sealed class GitAddSource
{
    private readonly IGitSources _git;
    private readonly GitSource _source;
    private readonly GitCommit _commit;
    private readonly GitAccess _access;
    private readonly Action<string> _log;

    private GitAddSource(IGitSources git, GitSource source, GitCommit commit, GitAccess access, Action<string> log, AddInstruction instruction)
    {
        _git = git;
        _source = source;
        _commit = commit;
        _access = access;
        _log = log;

        // The checkout's root is the one source; git's files are never archives to unpack. (The copy keeps the
        // root's own mode and time when it makes the destination: CopyRequest.DirectoryItself.)
        Instruction = instruction with { Sources = ["."], Unpack = false, Checksum = null, KeepGitDir = false };
    }

    /// <summary>The ADD as it copies from the checkout.</summary>
    public AddInstruction Instruction { get; }

    /// <summary>What stands for the sources' content in the step's key: the commit and the options that change the files.</summary>
    public Digest KeyDigest => Digest.Sha256Of(Encoding.UTF8.GetBytes("git\n" + _source.Identity(_commit)));

    /// <summary>Resolves the ADD's one git source (mixing it with other sources is refused before the build).</summary>
    public static async Task<GitAddSource> ResolveAsync(AddInstruction add, IGitSources git, GitAccess access, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (add.Sources.Length != 1 || !add.SourceContents.IsDefaultOrEmpty)
        {
            throw new GitException("ADD of a git repository together with other sources is not supported yet");
        }

        var source = GitSource.Parse(add.Sources[0], add.KeepGitDir ? true : null, add.Checksum);
        var commit = await git.ResolveAsync(source, access, log, cancellationToken).ConfigureAwait(false);
        return new GitAddSource(git, source, commit, access, log, add);
    }

    /// <summary>The checkout, made when the step runs (not on a cache hit).</summary>
    public Task<IDownloadedSources> CheckoutAsync(CancellationToken cancellationToken) =>
        _git.CheckoutAsync(_source, _commit, _access, _log, cancellationToken);
}
