using System.Collections.Immutable;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>What a RUN's result depends on besides its parent.</summary>
/// <param name="Command">The argv as run (shell form: after the SHELL).</param>
/// <param name="Shell">The SHELL in effect (it can matter even for exec form through heredocs).</param>
/// <param name="PrependShell">True for shell form.</param>
/// <param name="Environment"><c>K=V</c> entries the command sees (image Env and build ARGs); order does not matter.</param>
/// <param name="Heredocs">Heredoc bodies as <c>name</c>, content pairs, in order.</param>
public sealed record RunKeyInput(
    ImmutableArray<string> Command,
    ImmutableArray<string> Shell,
    bool PrependShell,
    ImmutableArray<string> Environment,
    string User,
    string WorkingDir,
    RunNetwork Network,
    OciPlatform Platform)
{
    public ImmutableArray<(string Name, string Content)> Heredocs { get; init; } = [];

    /// <summary>
    /// The read-only files mounted for the process (a <c>#!</c> heredoc script, which the argv names only by path):
    /// path, permission bits and content digest. Part of the key because the file is what runs: <c>&lt;&lt;-</c> and
    /// <c>&lt;&lt;</c> give the same heredoc and argv but a different script.
    /// </summary>
    public ImmutableArray<(string Path, UnixFileMode Mode, Digest Content)> Files { get; init; } = [];

    /// <summary><c>RUN --mount</c> cache and tmpfs mounts, each as its options (<see cref="Ports.ExecMount.KeyText"/>), in order.</summary>
    public ImmutableArray<string> Mounts { get; init; } = [];

    /// <summary><c>RUN --security=insecure</c>: a privileged run can make what an ordinary one cannot.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--add-host</c> lines (<c>IP\tHOST</c>), in order.</summary>
    public ImmutableArray<string> ExtraHosts { get; init; } = [];

    /// <summary><c>--shm-size</c> and <c>--ulimit</c> (<c>shm=BYTES</c>, <c>NAME=SOFT:HARD</c>), in order: what a step sees of its limits.</summary>
    public ImmutableArray<string> Limits { get; init; } = [];
}
