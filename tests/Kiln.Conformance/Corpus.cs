namespace Kiln.Conformance;

/// <summary>
/// Finds the peer corpora in <c>../shared/conformance</c> beside the repository (never copied into it).
/// <c>KILN_CONFORMANCE_DIR</c> overrides the location. A missing corpus fails the test run loudly.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<string> RepositoryPath = new(FindRepository);

    public static string Root => RootPath.Value;

    /// <summary>The repository's root (where <c>Kiln.slnx</c> is), for the suite's own golden files.</summary>
    public static string RepositoryRoot => RepositoryPath.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("KILN_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden)
                ? overridden
                : throw new DirectoryNotFoundException($"KILN_CONFORMANCE_DIR={overridden} does not exist");
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "conformance"));
        return Directory.Exists(candidate)
            ? candidate
            : throw new DirectoryNotFoundException($"conformance corpora not found at {candidate}");
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kiln.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root (Kiln.slnx) not found above " + AppContext.BaseDirectory);
    }
}
