using System.Globalization;
using System.Text;
using Kiln.Differential.Images;
using Kiln.Differential.Suite;

namespace Kiln.Differential.Comparison;

/// <summary>
/// The flattened filesystems compared path by path (type, mode with the special bits, owner, size, content, link
/// target, device numbers, xattrs, hard link group, and mtime where a case pinned it), and each layer's members that
/// are not directories (what a layer carries and where its whiteouts are). One line per path, every differing
/// field on it.
/// </summary>
internal static class FilesystemComparison
{
    public static void Compare(BuiltImage kiln, BuiltImage reference, List<string> differences)
    {
        var a = kiln.Filesystem;
        var b = reference.Filesystem;
        foreach (var broken in a.BrokenLinks)
        {
            differences.Add($"{broken}: kiln's hard link names no earlier member");
        }

        foreach (var broken in b.BrokenLinks)
        {
            differences.Add($"{broken}: buildkit's hard link names no earlier member");
        }

        var onlyUnder = new List<string>();
        foreach (var path in a.Paths.Keys.Union(b.Paths.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // What only one side has is reported at its top: a missing directory, not each file under it.
            if (onlyUnder.Count > 0 && LayerPath.IsUnder(path, onlyUnder[^1]))
            {
                continue;
            }

            var inA = a.Paths.TryGetValue(path, out var entryA);
            var inB = b.Paths.TryGetValue(path, out var entryB);
            if (!inA || !inB)
            {
                var (fs, entry, who) = inA ? (a, entryA!, "kiln") : (b, entryB!, "buildkit");
                var under = fs.Paths.Keys.Count(p => LayerPath.IsUnder(p, path));
                differences.Add($"{path}: only in {who}: {Describe(entry)}{(under > 0 ? $" with {under} entries under it" : "")}");
                onlyUnder.Add(path);
                continue;
            }

            var fields = Fields(path, a, entryA!, b, entryB!);
            if (fields.Count > 0)
            {
                differences.Add($"{path}: {string.Join("; ", fields)}");
            }
        }

        CompareLayers(kiln, reference, differences);
    }

    public static string Describe(LayerEntry e) => e.Type switch
    {
        '0' => $"file {Mode(e)} {e.Uid}:{e.Gid} {e.Size} bytes {Content(e)}",
        '2' => $"symlink -> {LayerPath.Text(e.LinkName)} {e.Uid}:{e.Gid}",
        '5' => $"dir {Mode(e)} {e.Uid}:{e.Gid}",
        '3' or '4' => $"{TypeName(e.Type)} {e.DeviceMajor},{e.DeviceMinor} {Mode(e)} {e.Uid}:{e.Gid}",
        _ => $"{TypeName(e.Type)} {Mode(e)} {e.Uid}:{e.Gid}",
    };

    private static List<string> Fields(string path, FlatFilesystem fsA, LayerEntry a, FlatFilesystem fsB, LayerEntry b)
    {
        var fields = new List<string>();
        void Field(string name, string x, string y)
        {
            if (x != y)
            {
                fields.Add($"{name} kiln {x} | buildkit {y}");
            }
        }

        Field("type", TypeName(a.Type), TypeName(b.Type));
        Field("mode", Mode(a), Mode(b));
        Field("owner", $"{a.Uid}:{a.Gid}", $"{b.Uid}:{b.Gid}");
        if (a.Type == '0' && b.Type == '0')
        {
            Field("size", a.Size.ToString(CultureInfo.InvariantCulture), b.Size.ToString(CultureInfo.InvariantCulture));
            if (a.ContentSha256 != b.ContentSha256)
            {
                fields.Add($"content kiln {Content(a)} | buildkit {Content(b)}");
            }

            var groupA = fsA.LinkGroup(path);
            var groupB = fsB.LinkGroup(path);
            if (groupA.Count > 1 || groupB.Count > 1)
            {
                Field("hard links", string.Join(",", groupA), string.Join(",", groupB));
            }
        }

        Field("link", LayerPath.Text(a.LinkName), LayerPath.Text(b.LinkName));
        if (a.Type is '3' or '4' || b.Type is '3' or '4')
        {
            Field("device", $"{a.DeviceMajor},{a.DeviceMinor}", $"{b.DeviceMajor},{b.DeviceMinor}");
        }

        Field("xattrs", Xattrs(a), Xattrs(b));
        var pinnedA = a.MtimeSeconds < PreparedCase.PinnedBefore.ToUnixTimeSeconds();
        var pinnedB = b.MtimeSeconds < PreparedCase.PinnedBefore.ToUnixTimeSeconds();

        // A time taken from the clock during a build differs between any two builds: compared only where the case pinned
        // one (its context, its archives, SOURCE_DATE_EPOCH). A directory's mtime moves whenever a builder adds or
        // removes an entry in it, its own mount points included (BuildKit's RUN leaves /etc with the time of the run
        // from its /etc/hosts and /etc/resolv.conf mount points), so a directory with one time pinned and the other
        // from the clock is not a difference either.
        if ((pinnedA || pinnedB) && !(a.Type == '5' && b.Type == '5' && pinnedA != pinnedB))
        {
            Field("mtime", Time(a), Time(b));
        }

        return fields;
    }

    /// <summary>Each layer's members other than directories, by path: whiteouts included, so a deletion in another layer shows.</summary>
    private static void CompareLayers(BuiltImage kiln, BuiltImage reference, List<string> differences)
    {
        var steps = (reference.Config["history"] as System.Text.Json.Nodes.JsonArray ?? [])
            .Where(h => !(bool?)h?["empty_layer"] ?? true)
            .Select(h => (string?)h?["created_by"] ?? (string?)h?["comment"] ?? "")
            .ToList();
        for (var i = 0; i < Math.Min(kiln.Layers.Count, reference.Layers.Count); i++)
        {
            var a = Members(kiln.Layers[i]);
            var b = Members(reference.Layers[i]);
            var onlyA = a.Except(b, StringComparer.Ordinal).ToList();
            var onlyB = b.Except(a, StringComparer.Ordinal).ToList();
            if (onlyA.Count > 0 || onlyB.Count > 0)
            {
                var step = i < steps.Count ? steps[i] : "?";
                differences.Add($"layer {i} ({step}): only in kiln: [{string.Join(", ", onlyA)}] | only in buildkit: [{string.Join(", ", onlyB)}]");
            }
        }
    }

    private static SortedSet<string> Members(IReadOnlyList<LayerEntry> layer) =>
        new(layer.Where(e => e.Type != '5').Select(e => LayerPath.Of(e.Name)), StringComparer.Ordinal);

    private static string TypeName(char type) => type switch
    {
        '0' => "file",
        '1' => "hardlink",
        '2' => "symlink",
        '3' => "chardev",
        '4' => "blockdev",
        '5' => "dir",
        '6' => "fifo",
        _ => type.ToString(),
    };

    private static string Mode(LayerEntry e) => Convert.ToString(e.Mode, 8).PadLeft(4, '0');

    private static string Time(LayerEntry e)
    {
        var text = DateTimeOffset.FromUnixTimeSeconds(e.MtimeSeconds).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        return e.MtimeNanoseconds == 0 ? text + "Z" : $"{text}.{e.MtimeNanoseconds:D9}Z";
    }

    private static string Xattrs(LayerEntry e) =>
        string.Join(",", e.Xattrs.Select(x => $"{x.Key}={(IsText(x.Value) ? Encoding.ASCII.GetString(x.Value) : "0x" + Convert.ToHexStringLower(x.Value))}"));

    /// <summary>The SHA-256 (12 digits), and the content itself when it is short text: a report shows what differs.</summary>
    private static string Content(LayerEntry e)
    {
        var hash = "sha256:" + e.ContentSha256[..12];
        return e.ShortContent is { } bytes && IsText(bytes)
            ? $"{hash} \"{Encoding.ASCII.GetString(bytes).Replace("\n", "\\n", StringComparison.Ordinal)}\""
            : hash;
    }

    private static bool IsText(byte[] bytes) => bytes.All(c => c is (>= 0x20 and < 0x7f) or (byte)'\n' or (byte)'\t');
}
