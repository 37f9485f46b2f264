using System.Security.Cryptography;
using System.Text;

namespace Kiln.Content.Tests.Hostile;

/// <summary>
/// A temp directory with precious files around an extraction root: <c>outside.txt</c>, <c>outside-dir/keep.txt</c>
/// and <c>root/</c>. <see cref="Outside"/> fingerprints everything except the root, to prove nothing escaped.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    public Sandbox()
    {
        Path = Directory.CreateTempSubdirectory("kiln-extract-").FullName;
        Root = System.IO.Path.Join(Path, "root");
        Directory.CreateDirectory(Root);
        File.WriteAllText(System.IO.Path.Join(Path, "outside.txt"), "precious");
        Directory.CreateDirectory(System.IO.Path.Join(Path, "outside-dir"));
        File.WriteAllText(System.IO.Path.Join(Path, "outside-dir", "keep.txt"), "keep");
    }

    public string Path { get; }

    public string Root { get; }

    /// <summary>Everything outside the root: names, types, modes, sizes, mtimes, content hashes, link targets.</summary>
    public string Outside()
    {
        var text = new StringBuilder();
        var parent = new DirectoryInfo(Path);
        text.Append(parent.UnixFileMode).Append(' ').Append(parent.LastWriteTimeUtc.Ticks).Append('\n');
        foreach (var entry in Walk(Path).Where(e => e.FullName != Root))
        {
            text.Append(entry.FullName).Append(' ').Append(entry.UnixFileMode).Append(' ').Append(entry.LastWriteTimeUtc.Ticks)
                .Append(' ').Append(entry.LinkTarget);
            if (entry is FileInfo file && entry.LinkTarget is null)
            {
                text.Append(' ').Append(file.Length).Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName))));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public void Dispose()
    {
        // Undo modes a test may have set (read-only dirs) so the cleanup can recurse. Never through a symlink:
        // hostile archives leave links to "/" inside the root.
        foreach (var dir in Walk(Path, includeRoot: true).OfType<DirectoryInfo>().Where(d => d.LinkTarget is null))
        {
            if (!OperatingSystem.IsWindows())
            {
                dir.UnixFileMode |= UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }

        // Directory.Delete unlinks symlinks, it does not follow them.
        Directory.Delete(Path, recursive: true);
    }

    /// <summary>
    /// Depth-first, sorted, never following symlinks (.NET's RecurseSubdirectories does follow directory links).
    /// The root is listed but not entered unless <paramref name="includeRoot"/>.
    /// </summary>
    private IEnumerable<FileSystemInfo> Walk(string directory, bool includeRoot = false)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 })
                     .OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            yield return entry;
            if (entry is DirectoryInfo && entry.LinkTarget is null && (includeRoot || entry.FullName != Root))
            {
                foreach (var child in Walk(entry.FullName, includeRoot))
                {
                    yield return child;
                }
            }
        }
    }
}
