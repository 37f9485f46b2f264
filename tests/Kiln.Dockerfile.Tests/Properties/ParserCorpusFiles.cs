namespace Kiln.Dockerfile.Tests.Properties;

/// <summary>
/// Finds the parser corpus Dockerfiles in <c>../shared/conformance</c> beside the repository (never copied into it);
/// <c>KILN_CONFORMANCE_DIR</c> overrides the location. A missing corpus fails loudly.
/// </summary>
internal static class ParserCorpusFiles
{
    private static readonly Lazy<string[]> Texts = new(Load);

    public static string[] Dockerfiles => Texts.Value;

    private static string[] Load()
    {
        var root = Path.Combine(ConformanceRoot(), "buildkit-parser", "testfiles");
        var files = Directory.GetDirectories(root)
            .Select(dir => Path.Combine(dir, "Dockerfile"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .Select(path => new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path)))
            .ToArray();
        return files.Length > 0 ? files : throw new FileNotFoundException("no Dockerfile under " + root);
    }

    private static string ConformanceRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("KILN_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kiln.slnx")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
            }
        }

        throw new DirectoryNotFoundException("repository root (Kiln.slnx) not found above " + AppContext.BaseDirectory);
    }
}
