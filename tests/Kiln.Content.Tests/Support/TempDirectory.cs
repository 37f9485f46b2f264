namespace Kiln.Content.Tests.Support;

/// <summary>A fresh directory under the system temp directory, removed with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "kiln-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// Depth first, sorted by name, NEVER following a symlink (.NET's RecurseSubdirectories does follow directory
    /// links, and hostile layers leave links to "/" behind). <paramref name="enter"/> says which real directories to
    /// descend into (all by default).
    /// </summary>
    public static IEnumerable<FileSystemInfo> Walk(string directory, Func<DirectoryInfo, bool>? enter = null)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 })
                     .OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            yield return entry;
            if (entry is DirectoryInfo child && child.LinkTarget is null && (enter is null || enter(child)))
            {
                foreach (var below in Walk(child.FullName, enter))
                {
                    yield return below;
                }
            }
        }
    }

    public void Dispose()
    {
        var top = new DirectoryInfo(Path);
        if (!top.Exists || top.LinkTarget is not null)
        {
            return;
        }

        // GNU chmod and rm rather than .NET: trees hold names that are not UTF-8 (which .NET cannot name, so it
        // cannot delete them) and read-only directories from layer modes (which stop a delete until the owner gets
        // rwx back). Neither tool follows a symlink it meets while recursing (chmod ignores them, rm unlinks them),
        // and hostile layers leave links to "/" behind; --one-file-system keeps rm off anything mounted below.
        Tool.Run("chmod", "-R", "u+rwX", "--", Path);
        Tool.Run("rm", "-rf", "--one-file-system", "--", Path);
    }
}
