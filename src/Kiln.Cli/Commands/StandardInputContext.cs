using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Content.IO;
using Kiln.Dockerfile;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln build -</c>, as with docker: standard input is either the context as one archive (a tar, plain or
/// compressed), whose Dockerfile is <c>-f</c> inside it (default <c>Dockerfile</c>), or a Dockerfile alone, with an
/// empty context. Either way it lands in a temporary directory, deleted on dispose.
/// </summary>
internal sealed class StandardInputContext : IDisposable
{
    private readonly string _root;

    private StandardInputContext(string root, string contextPath, string dockerfilePath)
    {
        _root = root;
        ContextPath = contextPath;
        DockerfilePath = dockerfilePath;
    }

    public string ContextPath { get; }

    public string DockerfilePath { get; }

    /// <summary>Reads <paramref name="input"/>; null after printing an error.</summary>
    public static async Task<StandardInputContext?> ReadAsync(Stream input, string? dockerfile, TextWriter error, CancellationToken cancellationToken)
    {
        if (dockerfile == "-")
        {
            await error.WriteLineAsync("ERROR: kiln build: standard input cannot be both the build context and the Dockerfile").ConfigureAwait(false);
            return null;
        }

        var root = Directory.CreateTempSubdirectory("kiln-stdin-").FullName;
        var context = new StandardInputContext(root, Path.Combine(root, "context"), Path.Combine(root, "Dockerfile"));
        try
        {
            // Streamed: an archive is extracted as it arrives, a Dockerfile is read up to the frontend's limit.
            Directory.CreateDirectory(context.ContextPath);
            var dockerfileBytes = await ContextArchive.ExtractOrReadDockerfileAsync(input, context.ContextPath, FrontendLimits.MaxDockerfileBytes, cancellationToken).ConfigureAwait(false);
            if (dockerfileBytes is null)
            {
                return context.Inside(dockerfile ?? "Dockerfile", error);
            }

            if (dockerfile is not null)
            {
                await error.WriteLineAsync($"ERROR: kiln build: -f {dockerfile} names a file in the context, but standard input is a Dockerfile, not a context archive").ConfigureAwait(false);
                context.Dispose();
                return null;
            }

            await File.WriteAllBytesAsync(context.DockerfilePath, dockerfileBytes, cancellationToken).ConfigureAwait(false);
            return context;
        }
        catch (Exception e) when (e is CopyException or InvalidDataException)
        {
            // Extraction speaks of ADD's source; here that is the context archive.
            var message = e.Message.Replace("ADD standard input: ", "the context archive on standard input: ", StringComparison.Ordinal);
            await error.WriteLineAsync($"ERROR: kiln build: {message}").ConfigureAwait(false);
            context.Dispose();
            return null;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // By descriptor: the archive may have held a path longer than PATH_MAX.
        DirectoryTree.Remove(_root);
    }

    /// <summary>The context as extracted, its Dockerfile at <paramref name="dockerfile"/> inside it (never outside).</summary>
    private StandardInputContext? Inside(string dockerfile, TextWriter error)
    {
        var path = Path.GetFullPath(Path.Combine(ContextPath, dockerfile.TrimStart('/')));
        if (path.StartsWith(ContextPath + "/", StringComparison.Ordinal))
        {
            return new StandardInputContext(_root, ContextPath, path);
        }

        error.WriteLine($"ERROR: kiln build: -f {dockerfile} is outside the context read from standard input");
        Dispose();
        return null;
    }
}
