namespace Kiln.Differential.Images;

/// <summary>
/// The filesystem an image's layers make, as a container sees it: each layer applied in order with the OCI
/// whiteout rules (<c>.wh.NAME</c> removes NAME and all under it from the layers below; <c>.wh..wh..opq</c> empties
/// its directory of what the layers below put there), hard links sharing one <see cref="LayerEntry"/>.
/// https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
/// </summary>
internal sealed class FlatFilesystem
{
    private const string Whiteout = ".wh.";
    private const string Opaque = ".wh..wh..opq";

    private readonly SortedDictionary<string, LayerEntry> _paths = new(StringComparer.Ordinal);
    private Dictionary<LayerEntry, List<string>>? _groups;

    public IReadOnlyDictionary<string, LayerEntry> Paths => _paths;

    /// <summary>Hard links that name no earlier member: kept for the report rather than thrown, so one case shows all its differences.</summary>
    public List<string> BrokenLinks { get; } = [];

    public static FlatFilesystem Of(IEnumerable<IReadOnlyList<LayerEntry>> layers)
    {
        var fs = new FlatFilesystem();
        foreach (var layer in layers)
        {
            fs.Apply(layer);
        }

        return fs;
    }

    /// <summary>The paths that share <paramref name="path"/>'s inode, itself included, sorted; one path when it has no hard links.</summary>
    public IReadOnlyList<string> LinkGroup(string path)
    {
        if (_groups is null)
        {
            _groups = new Dictionary<LayerEntry, List<string>>(ReferenceEqualityComparer.Instance);
            foreach (var (p, entry) in _paths)
            {
                if (!_groups.TryGetValue(entry, out var group))
                {
                    _groups[entry] = group = [];
                }

                group.Add(p);
            }
        }

        return _groups[_paths[path]];
    }

    private void Apply(IReadOnlyList<LayerEntry> layer)
    {
        // Whiteouts hide what the layers below hold, never what this layer adds, so they go first.
        foreach (var entry in layer)
        {
            var path = LayerPath.Of(entry.Name);
            var name = LayerPath.Name(path);
            var directory = LayerPath.Parent(path);
            if (name == Opaque)
            {
                RemoveUnder(directory);
            }
            else if (name.StartsWith(Whiteout, StringComparison.Ordinal))
            {
                var hidden = directory == "/" ? "/" + name[Whiteout.Length..] : directory + "/" + name[Whiteout.Length..];
                _paths.Remove(hidden);
                RemoveUnder(hidden);
            }
        }

        foreach (var entry in layer)
        {
            var path = LayerPath.Of(entry.Name);
            if (LayerPath.Name(path).StartsWith(Whiteout, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.Type == '1')
            {
                if (_paths.TryGetValue(LayerPath.Of(entry.LinkName), out var target))
                {
                    Place(path, target);
                }
                else
                {
                    BrokenLinks.Add($"{path} -> {LayerPath.Of(entry.LinkName)}");
                }

                continue;
            }

            Place(path, entry);
        }
    }

    private void Place(string path, LayerEntry entry)
    {
        // A directory over a directory merges (overlayfs keeps the children); anything else replaces the whole subtree.
        if (!(entry.Type == '5' && _paths.TryGetValue(path, out var existing) && existing.Type == '5'))
        {
            RemoveUnder(path);
        }

        _paths[path] = entry;
    }

    private void RemoveUnder(string directory)
    {
        foreach (var path in _paths.Keys.Where(p => LayerPath.IsUnder(p, directory)).ToList())
        {
            _paths.Remove(path);
        }
    }
}
