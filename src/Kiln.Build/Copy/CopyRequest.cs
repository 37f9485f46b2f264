using System.Collections.Immutable;
using Kiln.Dockerfile.Ignore;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Copy;

/// <summary>
/// A COPY or ADD after expansion, as the engine runs it: sources (paths in the source root, or heredocs), the
/// destination (relative to <see cref="WorkingDirectory"/> unless absolute) and the flags.
/// </summary>
public sealed record CopyRequest
{
    /// <summary>"COPY" or "ADD", for messages.</summary>
    public string Keyword => IsAdd ? "ADD" : "COPY";

    public bool IsAdd { get; init; }

    public ImmutableArray<string> Sources { get; init; } = [];

    public ImmutableArray<HeredocSource> Heredocs { get; init; } = [];

    public required string Destination { get; init; }

    /// <summary>The stage's WORKDIR at this instruction (absolute).</summary>
    public string WorkingDirectory { get; init; } = "/";

    public string? Chown { get; init; }

    public Chmod? Chmod { get; init; }

    /// <summary>The --chmod text when it could not be validated (then <see cref="Chmod"/> is null): an error at run time.</summary>
    public string? ChmodText { get; init; }

    /// <summary>ADD --unpack; null means BuildKit's default (unpack local archives).</summary>
    public bool? Unpack { get; init; }

    public bool Parents { get; init; }

    public ImmutableArray<string> Excludes { get; init; } = [];

    public string? Checksum { get; init; }

    public bool KeepGitDir { get; init; }

    /// <summary>
    /// A directory source made at a destination that does not exist yet (and does not end in "/") is a copy of the
    /// directory itself, with its owner (unless --chown), mode (after --chmod) and time, not a new 0755 directory its contents go into:
    /// BuildKit's copy without CopyDirContentsOnly, which ADD of a git repository uses (and kiln to seed a cache mount).
    /// </summary>
    public bool DirectoryItself { get; init; }

    public static CopyRequest FromInstruction(IFileInstruction instruction, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        var request = new CopyRequest
        {
            Sources = instruction.Sources,
            Heredocs = instruction.SourceContents,
            Destination = instruction.Destination,
            WorkingDirectory = workingDirectory,
            Chown = instruction.Chown,
            Chmod = instruction.Chmod,
            ChmodText = instruction.ChmodText,
            Excludes = instruction.Excludes,
        };
        return instruction switch
        {
            CopyInstruction copy => request with { Parents = copy.Parents },
            AddInstruction add => request with { IsAdd = true, Unpack = add.Unpack, Checksum = add.Checksum, KeepGitDir = add.KeepGitDir },
            _ => throw new ArgumentException($"{instruction.GetType().Name} is not COPY or ADD", nameof(instruction)),
        };
    }

    /// <summary>Refuses what the engine does not run yet, so that nothing is silently ignored.</summary>
    internal void EnsureSupported()
    {
        if (Checksum is not null)
        {
            throw NotYet("--checksum");
        }

        if (KeepGitDir)
        {
            throw NotYet("--keep-git-dir");
        }

        if (ChmodText is not null && Chmod is null)
        {
            throw new CopyException($"{Keyword}: invalid --chmod value '{ChmodText}'");
        }

        foreach (var source in Sources)
        {
            if (RemoteSource.IsHttp(source))
            {
                throw IsAdd
                    ? new CopyException($"ADD of a URL ({source}) is not supported yet")
                    : new CopyException($"source can't be a URL for COPY ({source})");
            }

            if (RemoteSource.IsGit(source))
            {
                // The solver checks ADD's repository out and copies from the checkout: the copier never fetches.
                throw IsAdd
                    ? new CopyException($"ADD of a git repository ({source}) reached the copier unfetched")
                    : new CopyException($"source can't be a git ref for COPY ({source})");
            }
        }
    }

    /// <summary>
    /// The <c>--exclude</c> patterns as a matcher (moby/patternmatcher's rules, as for .dockerignore) over paths from
    /// each selected source directory; null without any. A source named directly is never excluded itself.
    /// </summary>
    internal PatternMatcher? ExcludeMatcher()
    {
        if (Excludes.IsDefaultOrEmpty)
        {
            return null;
        }

        var created = PatternMatcher.Create(Excludes);
        return created.Succeeded ? created.Matcher : throw new CopyException($"{Keyword} --exclude: {created.Error.Message}");
    }

    /// <summary>
    /// The destination inside the target root, cleaned (".." stops at the root, as BuildKit's RootPath does), and
    /// whether it names a directory: a trailing "/", or "." / "/." (BuildKit keeps those as directories).
    /// </summary>
    internal (ImmutableArray<string> Components, bool IsDirectory) ResolveDestination()
    {
        var destination = Destination;
        if (destination.Length == 0)
        {
            throw new CopyException($"{Keyword} has an empty destination");
        }

        var isDirectory = destination.EndsWith('/') || destination == "." || destination.EndsWith("/.", StringComparison.Ordinal);
        var full = destination.StartsWith('/') ? destination : WorkingDirectory.TrimEnd('/') + "/" + destination;
        var components = ImmutableArray.CreateBuilder<string>();
        foreach (var part in full.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (components.Count > 0)
                {
                    components.RemoveAt(components.Count - 1);
                }

                continue;
            }

            components.Add(part);
        }

        return (components.ToImmutable(), isDirectory || components.Count == 0);
    }

    private CopyException NotYet(string flag) => new($"{Keyword} {flag} is not supported yet");
}
