using Kiln.Build.Context;
using Kiln.Content.IO;

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
            var received = Path.Combine(root, "input");
            await using (var file = File.Create(received))
            {
                await input.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            Directory.CreateDirectory(context.ContextPath);
            if (await ContextArchive.TryExtractAsync(received, context.ContextPath, cancellationToken).ConfigureAwait(false))
            {
                return context.Inside(dockerfile ?? "Dockerfile", error);
            }

            if (dockerfile is not null)
            {
                await error.WriteLineAsync($"ERROR: kiln build: -f {dockerfile} names a file in the context, but standard input is a Dockerfile, not a context archive").ConfigureAwait(false);
                context.Dispose();
                return null;
            }

            File.Move(received, context.DockerfilePath);
            return context;
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
