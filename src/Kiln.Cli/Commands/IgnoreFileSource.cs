using System.Collections.Immutable;
using System.Text;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Ignore;
using Kiln.Dockerfile.Text;

namespace Kiln.Cli.Commands;

/// <summary>
/// The .dockerignore that applies to a build, as BuildKit's dockerui picks it: <c>&lt;Dockerfile&gt;.dockerignore</c>
/// beside the Dockerfile when there is one (wherever the Dockerfile is, inside the context or not), else
/// <c>CONTEXT/.dockerignore</c>. A Dockerfile from standard input has none beside it. Named contexts only ever use
/// their own root's <c>.dockerignore</c> (see <see cref="NamedContexts"/>).
/// </summary>
/// <param name="DisplayName">The name errors give the file (as the user named the Dockerfile, plus <c>.dockerignore</c>).</param>
internal sealed record IgnoreFileSource(string DisplayName, string Text)
{
    /// <returns>The file, or null when the build has none.</returns>
    public static IgnoreFileSource? Find(string contextPath, string? dockerfilePath)
    {
        var candidates = new List<(string Path, string Name)>(2);
        if (dockerfilePath is not null && dockerfilePath != "-")
        {
            candidates.Add((dockerfilePath + ".dockerignore", dockerfilePath + ".dockerignore"));
        }
        else if (dockerfilePath is null)
        {
            candidates.Add((Path.Combine(contextPath, "Dockerfile.dockerignore"), "Dockerfile.dockerignore"));
        }

        candidates.Add((Path.Combine(contextPath, ".dockerignore"), ".dockerignore"));
        foreach (var (path, name) in candidates.Where(c => File.Exists(c.Path)))
        {
            return new IgnoreFileSource(name, new UTF8Encoding(false).GetString(File.ReadAllBytes(path)));
        }

        return null;
    }

    /// <summary>
    /// The file's patterns; a pattern BuildKit refuses (a lone <c>!</c>, a bad character class) is a diagnostic
    /// pointing at its line instead, and <paramref name="patterns"/> is then empty.
    /// </summary>
    public Diagnostic? Compile(out ImmutableArray<string> patterns)
    {
        var lines = DockerignoreFile.ParseLines(Text);
        var compiled = PatternMatcher.Create(lines.Select(l => l.Pattern));
        if (compiled.Error is { } error)
        {
            patterns = [];
            var line = lines[error.Index].Line;
            return error.ToDiagnostic(SourceSpan.Lines(line, line));
        }

        patterns = [.. lines.Select(l => l.Pattern)];
        return null;
    }
}
