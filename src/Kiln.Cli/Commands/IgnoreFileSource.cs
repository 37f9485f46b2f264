using System.Text;

namespace Kiln.Cli.Commands;

/// <summary>
/// The .dockerignore that applies to a build: <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile
/// when there is one (BuildKit's per-Dockerfile ignore file), else <c>CONTEXT/.dockerignore</c>.
/// </summary>
internal sealed record IgnoreFileSource(string DisplayName, string Text)
{
    /// <returns>The file, or null when the build has none.</returns>
    public static IgnoreFileSource? Find(string contextPath, string? dockerfilePath)
    {
        var candidates = new List<string>(2);
        if (dockerfilePath is not null && dockerfilePath != "-")
        {
            candidates.Add(dockerfilePath + ".dockerignore");
        }
        else if (dockerfilePath is null)
        {
            candidates.Add(Path.Combine(contextPath, "Dockerfile.dockerignore"));
        }

        candidates.Add(Path.Combine(contextPath, ".dockerignore"));
        var path = candidates.FirstOrDefault(File.Exists);
        return path is null ? null : new IgnoreFileSource(Path.GetFileName(path), new UTF8Encoding(false).GetString(File.ReadAllBytes(path)));
    }
}
