using System.Text;
using Kiln.Content.Paths;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Build.Context;

/// <summary>
/// The build context: a directory plus the <c>.dockerignore</c> patterns that hide parts of it from COPY and ADD.
/// </summary>
/// <remarks>
/// Docker and BuildKit never send ignored paths to the builder, so for every COPY an ignored file simply does not
/// exist (a plain source naming it is "not found"; a directory source copies what is left). We read the context in
/// place instead of transferring it, and apply the same visibility while walking.
/// </remarks>
public sealed class BuildContext
{
    private BuildContext(string directory, PatternMatcher? ignore)
    {
        Directory = directory;
        Ignore = ignore;
    }

    /// <summary>The absolute context directory.</summary>
    public string Directory { get; }

    /// <summary>The compiled <c>.dockerignore</c>; null when there is none (or it has no patterns).</summary>
    public PatternMatcher? Ignore { get; }

    /// <summary>
    /// Opens <paramref name="directory"/> and reads its <c>.dockerignore</c> (if any). A pattern list that
    /// BuildKit would reject (bad syntax, a lone <c>!</c>) is an error here too.
    /// </summary>
    public static async Task<BuildContext> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"build context {full} is not a directory");
        }

        var ignoreFile = Path.Join(full, ".dockerignore");
        string? text = null;
        if (File.Exists(ignoreFile))
        {
            // Patterns name files, and file names are bytes: a pattern with a byte that is not UTF-8 must match the
            // name with that byte, so the file is decoded as names are (FileNameEncoding), not as lossy UTF-8.
            text = FileNameEncoding.Decode(await File.ReadAllBytesAsync(ignoreFile, cancellationToken).ConfigureAwait(false));
        }

        var lines = DockerignoreFile.ParseLines(text);
        var compiled = PatternMatcher.Create(lines.Select(l => l.Pattern));
        if (compiled.Error is { } error)
        {
            throw new InvalidDataException($"{ignoreFile}:{lines[error.Index].Line}: {error.Message}");
        }

        return new BuildContext(full, lines.IsEmpty ? null : compiled.Matcher);
    }

    /// <summary>A context with explicit ignore patterns (as read from a .dockerignore file).</summary>
    public static BuildContext WithPatterns(string directory, IEnumerable<string> patterns)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(patterns);
        var list = patterns.ToList();
        if (list.Count == 0)
        {
            return new BuildContext(Path.GetFullPath(directory), null);
        }

        var result = PatternMatcher.Create(list);
        if (!result.Succeeded)
        {
            throw new InvalidDataException($"invalid .dockerignore: {result.Error!.Message}");
        }

        return new BuildContext(Path.GetFullPath(directory), result.Matcher);
    }
}
