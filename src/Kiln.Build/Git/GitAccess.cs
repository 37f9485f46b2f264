using System.Collections.Immutable;

namespace Kiln.Build.Git;

/// <summary>
/// What a git fetch may authenticate with, as BuildKit's git source has it: the <c>--ssh default</c> agent for ssh
/// remotes, and for http(s) the <c>--secret</c>s GIT_AUTH_HEADER and GIT_AUTH_TOKEN (each also as
/// <c>NAME.HOST</c>, which wins for that host).
/// </summary>
/// <param name="SshAgentSocket">The socket of the <c>--ssh default</c> agent; null when none was given.</param>
public sealed record GitAccess(string? SshAgentSocket, ImmutableDictionary<string, ImmutableArray<byte>> Secrets)
{
    public static GitAccess None { get; } = new(null, ImmutableDictionary<string, ImmutableArray<byte>>.Empty);
}
