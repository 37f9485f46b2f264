namespace Kiln.Runtime.Linux.Containers;

/// <summary>An OCI runtime binary: crun or runc (or something that takes the same command line).</summary>
public sealed record OciRuntime(string Name, string Path)
{
    public bool IsCrun => Name == "crun";

    /// <summary>
    /// <paramref name="requested"/> is a name looked up on PATH, a path, or null for crun, falling back to runc
    /// (crun starts a container in about half of runc's time).
    /// </summary>
    public static OciRuntime Locate(string? requested)
    {
        if (!string.IsNullOrEmpty(requested))
        {
            if (requested.Contains('/', StringComparison.Ordinal))
            {
                var full = System.IO.Path.GetFullPath(requested);
                return File.Exists(full)
                    ? new OciRuntime(KindOf(System.IO.Path.GetFileName(full)), full)
                    : throw new FileNotFoundException($"OCI runtime {requested} does not exist");
            }

            return FindOnPath(requested) is { } found
                ? new OciRuntime(KindOf(requested), found)
                : throw new FileNotFoundException($"OCI runtime \"{requested}\" is not on PATH");
        }

        foreach (var name in new[] { "crun", "runc" })
        {
            if (FindOnPath(name) is { } found)
            {
                return new OciRuntime(name, found);
            }
        }

        throw new FileNotFoundException("no OCI runtime found: install crun or runc (or pass --runtime PATH)");
    }

    private static string KindOf(string fileName) => fileName.StartsWith("crun", StringComparison.Ordinal) ? "crun" : fileName;

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
