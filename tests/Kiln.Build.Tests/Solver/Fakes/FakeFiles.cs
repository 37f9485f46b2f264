using System.Collections.Concurrent;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Tests.Solver.Fakes;

/// <summary>A context of named "files" with contents; COPY records itself in the target mount.</summary>
internal sealed class FakeFiles(FakeSnapshotter snapshotter) : IFileOperations
{
    public ConcurrentDictionary<string, string> Context { get; } = new(StringComparer.Ordinal);

    /// <summary>The files of each <c>--build-context</c> directory, by context name.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, string>> NamedContexts { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<CopyOperation> Copies { get; } = new();

    public ConcurrentQueue<string> Workdirs { get; } = new();

    public Task<Digest> DigestSourcesAsync(CopyOperation operation, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var source in Sources(operation))
        {
            if (operation.Source is CopySource.Context { Name: var name })
            {
                var files = name is null ? Context
                    : NamedContexts.TryGetValue(name, out var named) ? named
                    : throw new InvalidOperationException($"no --build-context named {name} was given");

                // "." is the whole context, as COPY . / reads it.
                if (source == ".")
                {
                    text.AppendJoin('\n', files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")).Append('\n');
                    continue;
                }

                if (!files.TryGetValue(source, out var content))
                {
                    throw new FileNotFoundException($"failed to compute cache key: \"/{source}\": not found");
                }

                text.Append(source).Append('=').Append(content).Append('\n');
            }
            else if (((CopySource.Root)operation.Source).Path is var path && path.StartsWith("/fake-download/", StringComparison.Ordinal))
            {
                text.Append(source).Append('=').Append(Context[$"{path}/{source}"]).Append('\n');
            }
            else
            {
                var root = snapshotter.ByRoot(((CopySource.Root)operation.Source).Path);
                text.Append(source).Append('@').AppendJoin(',', root.Layers.Select(l => l.Snapshot)).Append('\n');
            }
        }

        return Task.FromResult(Digest.Sha256Of(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public Task CopyAsync(CopyOperation operation, string targetRoot, CancellationToken cancellationToken)
    {
        Copies.Enqueue(operation);

        // A RUN --mount bind is copied into a scratch directory of its own, not into a mounted root.
        if (snapshotter.IsOpen(targetRoot))
        {
            snapshotter.ByRoot(targetRoot).Changes.Enqueue($"copy {string.Join(' ', Sources(operation))} from {operation.Source}");
        }

        return Task.CompletedTask;
    }

    /// <summary>The --chown values looked up, and in which root; a name resolves to 1000 + its length, "root" to 0.</summary>
    public ConcurrentQueue<(string Chown, string Root)> OwnerLookups { get; } = new();

    public Task<string> NumericOwnerAsync(string chown, string root, CancellationToken cancellationToken)
    {
        OwnerLookups.Enqueue((chown, root));
        return Task.FromResult(string.Join(':', chown.Split(':').Select(part => part.All(char.IsAsciiDigit) ? part : part == "root" ? "0" : (1000 + part.Length).ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>What a URL serves; a URL not in it answers 404.</summary>
    public ConcurrentDictionary<string, string> Web { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Downloads { get; } = new();

    public Task<IDownloadedSources> DownloadAsync(System.Collections.Immutable.ImmutableArray<string> urls, string? checksum, CancellationToken cancellationToken)
    {
        var root = $"/fake-download/{Guid.NewGuid():N}";
        foreach (var url in urls)
        {
            Downloads.Enqueue(url);
            Context[$"{root}/{url[(url.LastIndexOf('/') + 1)..]}"] = Web.TryGetValue(url, out var content) ? content : throw new IOException($"ADD {url}: invalid response status 404 (Not Found)");
        }

        return Task.FromResult<IDownloadedSources>(new FakeDownload(root, [.. urls.Select(u => u[(u.LastIndexOf('/') + 1)..])]));
    }

    public Task CreateWorkdirAsync(string targetRoot, string path, string user, CancellationToken cancellationToken)
    {
        Workdirs.Enqueue(path);
        snapshotter.ByRoot(targetRoot).Changes.Enqueue($"mkdir {path}");
        return Task.CompletedTask;
    }

    private static System.Collections.Immutable.ImmutableArray<string> Sources(CopyOperation operation) => operation.Instruction switch
    {
        CopyInstruction copy => copy.Sources,
        AddInstruction add => add.Sources,
        _ => [],
    };
}

internal sealed record FakeDownload(string Root, System.Collections.Immutable.ImmutableArray<string> Sources) : IDownloadedSources
{
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
