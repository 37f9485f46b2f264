using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Tests.Copy;

/// <summary>A context directory and a target root in a temp dir, and a printer for the resulting tree.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class CopyWorkspace : IDisposable
{
    public CopyWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("kiln-copy-").FullName;
        Context = Path.Join(Root, "context");
        Target = Path.Join(Root, "target");
        Directory.CreateDirectory(Context);
        Directory.CreateDirectory(Target);
    }

    public string Root { get; }

    public string Context { get; }

    public string Target { get; }

    public string File(string relative, string content, int mode = 0x1A4 /* 0644 */)
    {
        var path = Path.Join(Context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    public string Dir(string relative, int mode = 0x1ED)
    {
        var path = Path.Join(Context, relative);
        Directory.CreateDirectory(path);
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    public void Symlink(string relative, string target) =>
        System.IO.File.CreateSymbolicLink(Path.Join(Context, relative), target);

    public void TargetFile(string relative, string content)
    {
        var path = Path.Join(Target, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
    }

    public static CopyRequest CopyOf(string destination, params string[] sources) =>
        new() { Destination = destination, Sources = [.. sources] };

    public static CopyRequest AddOf(string destination, params string[] sources) =>
        new() { IsAdd = true, Destination = destination, Sources = [.. sources] };

    public static Chmod Octal(int mode) => new(Convert.ToString(mode, 8), mode);

    public static Chmod Symbolic(string text) => new(text, null);

    public async Task<CopyResult> RunAsync(CopyRequest request, IEnumerable<string>? ignore = null, CopyOptions? options = null)
    {
        var context = BuildContext.WithPatterns(Context, ignore ?? []);
        return await CopyExecutor.ExecuteAsync(request, CopySourceRoot.FromContext(context), Target, options ?? CopyOptions.Default, CancellationToken.None);
    }

    /// <summary>
    /// The target tree, one line per entry in ordinal order: "path type mode uid:gid" plus " -> target" for a symlink
    /// and " =content" for a short file. Pre-existing /etc is left out.
    /// </summary>
    public string[] Tree(bool owners = true)
    {
        var lines = new List<string>();
        Walk(Target, string.Empty, lines, owners);
        lines.Sort(StringComparer.Ordinal);
        return [.. lines];
    }

    public void Dispose()
    {
        try
        {
            // By bytes: Directory.Delete cannot remove a name that is not UTF-8.
            RawFiles.RemoveAll(RawFiles.Bytes(Root));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Walk(string directory, string relative, List<string> lines, bool owners)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory))
        {
            var name = Path.GetFileName(path);
            var rel = relative.Length == 0 ? name : relative + "/" + name;
            if (rel == "etc")
            {
                continue;
            }

            var stat = FileStat.OfPath(path)!.Value;
            var line = new StringBuilder();
            line.Append('/').Append(rel).Append(' ');
            line.Append(stat.IsDirectory ? 'd' : stat.IsSymbolicLink ? 'l' : stat.IsRegularFile ? 'f' : 'o');
            line.Append(' ').Append(Convert.ToString(stat.Permissions, 8).PadLeft(4, '0'));
            if (owners)
            {
                line.Append(CultureInfo.InvariantCulture, $" {stat.Uid}:{stat.Gid}");
            }

            if (stat.IsSymbolicLink)
            {
                line.Append(" -> ").Append(new FileInfo(path).LinkTarget);
            }
            else if (stat.IsRegularFile && stat.Size < 64)
            {
                line.Append(" =").Append(System.IO.File.ReadAllText(path));
            }

            lines.Add(line.ToString());
            if (stat.IsDirectory)
            {
                Walk(path, rel, lines, owners);
            }
        }
    }
}
