using System.Collections.Immutable;
using System.Text;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Instructions;
using Kiln.Oci;

namespace Kiln.Build.Solver;

/// <summary>
/// <c>RUN --mount=type=cache,from=STAGE|IMAGE|CONTEXT[,source=DIR]</c> as BuildKit runs it: when the cache directory is
/// first made it is a copy of DIR (the whole root without source=) with its owner, mode and time; later runs find
/// what earlier ones left there. BuildKit keeps the cache per id and per seed (its key is the id and the seed's
/// snapshot), so a changed stage starts a new cache from its new DIR and the old one comes back with the old stage.
/// The step's key holds DIR's content, as a bind mount's does.
/// </summary>
internal static class CacheSeed
{
    /// <summary>Where the seed is copied to inside the directory the store gives it: a name, so that the copy makes it.</summary>
    private const string Made = "/seed";

    /// <param name="layers">The stage's or image's layers; default for a named context, whose content is then its identity.</param>
    public static async Task<ExecMount> ApplyAsync(ExecMount mount, CopySource source, ImmutableArray<LayerRef> layers, IFileOperations files, RunInstruction run, CancellationToken cancellationToken)
    {
        var directory = mount.Source ?? "/";
        var copy = new CopyInstruction([directory], [], Made, null, null, null, null, false, false, [])
        {
            Span = run.Span,
            Original = run.Original,
        };
        var operation = new CopyOperation(copy, source, "/") { DirectoryItself = true };
        var content = await files.DigestSourcesAsync(operation, cancellationToken).ConfigureAwait(false);
        var identity = layers.IsDefault
            ? content.ToString()
            : Digest.Sha256Of(Encoding.UTF8.GetBytes(string.Join('\n', layers.Select(l => l.Snapshot.ToString())))).ToString();
        return mount with
        {
            SourceDigest = content,
            SeedKey = $"from={mount.From} seed={identity} source={directory}",
            Seed = async (path, token) =>
            {
                // The copy makes the directory itself (DirectoryItself) under a scratch parent, then it moves into place.
                var scratch = path + ".seed";
                Directory.CreateDirectory(scratch);
                try
                {
                    await files.CopyAsync(operation, scratch, token).ConfigureAwait(false);
                    if (!Directory.Exists(scratch + Made))
                    {
                        throw new IOException($"the cache mount at {mount.Target} is seeded from {directory} in {mount.From}, which is not a directory");
                    }

                    Directory.Move(scratch + Made, path);
                }
                finally
                {
                    Directory.Delete(scratch, recursive: true);
                }
            },
        };
    }
}
