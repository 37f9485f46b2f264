using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Content.Paths;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Ports.Adapters;

/// <summary>
/// COPY, ADD and WORKDIR over <see cref="CopyExecutor"/> and <see cref="CopySourceDigest"/>: sources from the build
/// context (its .dockerignore applied) or from a mounted stage or image root.
/// </summary>
/// <param name="digestCache">The stat cache for context files (keyed by absolute path, so named contexts share it); never used for stage roots, whose mounts are new each time.</param>
/// <param name="sourceDateEpoch">When set, every copied entry and created directory gets this time.</param>
/// <param name="namedContexts">The <c>--build-context</c> directories by name, each with its own .dockerignore.</param>
public sealed class ContextFileOperations(
    BuildContext context,
    FileDigestCache? digestCache,
    DateTimeOffset? sourceDateEpoch,
    IReadOnlyDictionary<string, BuildContext>? namedContexts = null) : IFileOperations
{
    public Task<Digest> DigestSourcesAsync(CopyOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var options = operation.Source is CopySource.Context ? new CopyDigestOptions { Cache = digestCache } : CopyDigestOptions.Default;
        return CopySourceDigest.ComputeAsync(RequestOf(operation), RootOf(operation.Source), options, cancellationToken);
    }

    public async Task CopyAsync(CopyOperation operation, string targetRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await CopyExecutor.ExecuteAsync(RequestOf(operation), RootOf(operation.Source), targetRoot, Options, cancellationToken).ConfigureAwait(false);
    }

    public Task<string> NumericOwnerAsync(string chown, string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chown);
        cancellationToken.ThrowIfCancellationRequested();
        var owner = OwnerResolver.Resolve(chown, root);
        return Task.FromResult(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{owner.Uid}:{owner.Gid}"));
    }

    public Task<IDownloadedSources> DownloadAsync(ImmutableArray<string> urls, string? checksum, CancellationToken cancellationToken) =>
        UrlDownloader.DownloadAsync(urls, checksum, cancellationToken);

    public Task CreateWorkdirAsync(string targetRoot, string path, string user, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetRoot);
        ArgumentNullException.ThrowIfNull(path);
        cancellationToken.ThrowIfCancellationRequested();
        using var root = RootDirectory.Open(targetRoot);

        // BuildKit's mkdir for WORKDIR runs as the stage's USER: new directories are that user's, existing ones stay.
        CopyOwner? owner = string.IsNullOrEmpty(user) ? null : OwnerResolver.Resolve(user, root);
        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToImmutableArray();
        new TargetWriter(root, Options).EnsureDirectory(components, owner);
        return Task.CompletedTask;
    }

    private CopyOptions Options => new() { Timestamp = sourceDateEpoch };

    private CopySourceRoot RootOf(CopySource source) => source switch
    {
        CopySource.Context { Name: null } => CopySourceRoot.FromContext(context),
        CopySource.Context { Name: { } name } => namedContexts?.GetValueOrDefault(name) is { } named
            ? CopySourceRoot.FromContext(named, $"context {name}")
            : throw new InvalidOperationException($"no --build-context named {name} was given"),
        CopySource.Root root => CopySourceRoot.FromDirectory(root.Path, root.Name),
        _ => throw new ArgumentException("unknown COPY source", nameof(source)),
    };

    private static CopyRequest RequestOf(CopyOperation operation) => operation.Instruction switch
    {
        IFileInstruction file => CopyRequest.FromInstruction(file, operation.WorkingDir) with { DirectoryItself = operation.DirectoryItself },
        _ => throw new ArgumentException($"{operation.Instruction.Keyword.ToUpperInvariant()} is not COPY or ADD", nameof(operation)),
    };
}
