namespace Kiln.Build.Git;

/// <summary>
/// What a git source's ref resolved to, before anything is fetched (BuildKit's git source metadata).
/// </summary>
/// <param name="Ref">The ref the remote matched (<c>refs/heads/main</c>, <c>refs/tags/v1</c>), or the commit id given as the ref.</param>
/// <param name="Target">The object the ref names: the commit, or an annotated tag's own object.</param>
/// <param name="Commit">The commit that is checked out (an annotated tag peeled).</param>
public sealed record GitCommit(string Ref, string Target, string Commit)
{
    /// <summary>The ref as it was asked for (the default branch's name when none was): what is fetched, as BuildKit fetches it.</summary>
    public string Requested { get; init; } = Ref;
}
