using System.Security.Cryptography;
using System.Text;

namespace Kiln.Content.Tests.Support;

/// <summary>
/// A temp directory with precious files around an extraction root: <c>outside.txt</c>, <c>outside-dir/keep.txt</c>
/// and <c>root/</c>. <see cref="Outside"/> fingerprints everything except the root, to prove nothing escaped.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    private readonly TempDirectory _directory = new("kiln-extract-");

    public Sandbox()
    {
        Root = System.IO.Path.Join(Path, "root");
        Directory.CreateDirectory(Root);
        File.WriteAllText(System.IO.Path.Join(Path, "outside.txt"), "precious");
        Directory.CreateDirectory(System.IO.Path.Join(Path, "outside-dir"));
        File.WriteAllText(System.IO.Path.Join(Path, "outside-dir", "keep.txt"), "keep");
    }

    public string Path => _directory.Path;

    public string Root { get; }

    /// <summary>Everything outside the root: names, types, modes, sizes, mtimes, content hashes, link targets.</summary>
    public string Outside()
    {
        var text = new StringBuilder();
        var parent = new DirectoryInfo(Path);
        text.Append(parent.UnixFileMode).Append(' ').Append(parent.LastWriteTimeUtc.Ticks).Append('\n');
        foreach (var entry in TempDirectory.Walk(Path, enter: d => d.FullName != Root).Where(e => e.FullName != Root))
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

    public void Dispose() => _directory.Dispose();
}
