namespace Kiln.Differential.Suite;

/// <summary>
/// A case copied to scratch and made ready to build: modes made independent of the checkout's umask, <c>gen.sh</c>
/// run, every mtime pinned (so that a cached oracle step and a fresh one give the same file times, and a time from the
/// context can be told from a time of the build).
/// </summary>
internal sealed record PreparedCase(CorpusCase Case, string Folder)
{
    /// <summary>2023-11-14T22:13:20Z: every time a case pins (its context, its archives' members, SOURCE_DATE_EPOCH) is before <see cref="PinnedBefore"/>.</summary>
    public const long ContextTime = 1_700_000_000;

    /// <summary>Times before this one were pinned by a case; later ones were taken from the clock during a build.</summary>
    public static readonly DateTimeOffset PinnedBefore = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string Dockerfile => Path.Combine(Folder, Case.Dockerfile);

    public string Context => Path.Combine(Folder, "context");

    public static async Task<PreparedCase> PrepareAsync(CorpusCase corpusCase, string scratch)
    {
        var folder = Path.Combine(scratch, corpusCase.Name);
        await Tools.RunAsync("cp", ["-a", corpusCase.Folder, folder]);
        Directory.CreateDirectory(Path.Combine(folder, "context"));
        await Tools.RunAsync("chmod", ["-R", "go-w", folder]);
        if (File.Exists(Path.Combine(folder, "gen.sh")))
        {
            await Tools.RunAsync("sh", ["-eu", "gen.sh"], workingDirectory: folder);
        }

        await Tools.RunAsync("find", [folder, "-exec", "touch", "-h", "-d", $"@{ContextTime}", "{}", "+"]);
        return new PreparedCase(corpusCase, folder);
    }

    /// <summary>--target, --build-arg and --secret as both builders take them.</summary>
    public IEnumerable<string> BuildFlags()
    {
        if (Case.Target is not null)
        {
            yield return "--target";
            yield return Case.Target;
        }

        foreach (var (key, value) in Case.Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            yield return "--build-arg";
            yield return $"{key}={value}";
        }

        foreach (var (id, file) in Case.Secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            yield return "--secret";
            yield return $"id={id},src={Path.Combine(Folder, file)}";
        }
    }
}
