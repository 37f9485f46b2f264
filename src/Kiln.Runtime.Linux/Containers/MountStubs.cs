using Kiln.Content.Paths;
using Kiln.Runtime.Linux.Overlay;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// The runtime creates missing mount points in the root (an empty <c>/etc/hosts</c>, <c>/proc</c>, even <c>/etc</c>
/// in a scratch image): they must not end up in the layer. What did not exist before the run and is still an empty
/// file or directory afterwards is removed, as BuildKit's mount-stub cleaner does.
/// </summary>
/// <remarks>
/// Creating a stub makes overlayfs copy its parent directories up into the upper. Once the stub is gone such a copy
/// changes nothing, but a layer made from the upper would still list it (BuildKit's differ leaves an unchanged
/// directory out). <see cref="Copies"/> records which directories were not in the upper before the run, with
/// their metadata then; <see cref="PruneCopies"/> removes those that are still empty, unchanged copies once the
/// overlay is unmounted (the upper may only be changed directly while it is not mounted).
/// </remarks>
internal sealed class MountStubs
{
    private readonly string _root;
    private readonly List<string> _missing = [];
    private readonly Dictionary<string, DateTime> _parents = new(StringComparer.Ordinal);
    private readonly List<CopiedDirectory> _copies = [];

    private MountStubs(string root)
    {
        _root = root;
    }

    /// <summary>Directories the stubs may have copied up, as they were before the run (paths relative to the root).</summary>
    public IReadOnlyList<CopiedDirectory> Copies => _copies;

    /// <param name="upper">The overlay's upper directory, to tell which parents are copied up only by the stubs; null for none.</param>
    public static MountStubs Record(string root, string? upper, IEnumerable<string> destinations)
    {
        var stubs = new MountStubs(root);
        foreach (var destination in destinations)
        {
            var prefix = string.Empty;
            foreach (var component in destination.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                prefix += "/" + component;
                var host = SecureJoin.Join(root, prefix);
                // Every missing component, not just the first: for /opt/tool the runtime makes both, and /opt is
                // only empty (removable) once /opt/tool is gone.
                if (!File.Exists(host) && !Directory.Exists(host) && !stubs._missing.Contains(prefix))
                {
                    stubs._missing.Add(prefix);
                    var parentPath = prefix[..prefix.LastIndexOf('/')];
                    var parent = SecureJoin.Join(root, parentPath);
                    if (Directory.Exists(parent))
                    {
                        stubs._parents.TryAdd(parent, Directory.GetLastWriteTimeUtc(parent));
                        if (upper is not null)
                        {
                            stubs.RecordCopies(upper, parentPath);
                        }
                    }
                }
            }
        }

        return stubs;
    }

    /// <summary>Removes the stubs, deepest first; anything with content (the command wrote there) stays.</summary>
    public void Remove()
    {
        foreach (var path in _missing.OrderByDescending(p => p.Length))
        {
            var host = SecureJoin.Join(_root, path);
            var info = new FileInfo(host);
            if (Directory.Exists(host))
            {
                if (!Directory.EnumerateFileSystemEntries(host).Any())
                {
                    Directory.Delete(host);
                }
            }
            else if (info.Exists && info.Length == 0)
            {
                info.Delete();
            }
        }

        // Creating and removing the stub touched its parent: give it its time back, so that the copied-up parent
        // (overlayfs copies a directory up before creating anything in it) is the same as in the lower layer.
        foreach (var (parent, time) in _parents)
        {
            if (Directory.Exists(parent))
            {
                Directory.SetLastWriteTimeUtc(parent, time);
            }
        }
    }

    /// <summary>
    /// Removes from an unmounted upper the <paramref name="copies"/> that are still empty, not opaque, and have the
    /// metadata they had in the lower layers: the overlay shows the lower directory in their place, unchanged.
    /// </summary>
    public static void PruneCopies(string upper, IEnumerable<CopiedDirectory> copies)
    {
        foreach (var copy in copies.OrderByDescending(c => c.Path.Length))
        {
            var host = SecureJoin.Join(upper, copy.Path);
            if (DirectoryStat.Of(host) is { IsDirectory: true } now
                && now == copy.Before
                && !Directory.EnumerateFileSystemEntries(host).Any()
                && OverlayXattr.Get(System.Text.Encoding.UTF8.GetBytes(host), OverlayXattr.Opaque) is null)
            {
                Directory.Delete(host);
            }
        }
    }

    /// <summary>The parent and each of its ancestors below the root that the upper does not hold yet.</summary>
    private void RecordCopies(string upper, string parentPath)
    {
        for (var path = parentPath; path.Length > 0; path = path[..path.LastIndexOf('/')])
        {
            if (_copies.Any(c => c.Path == path) || DirectoryStat.Of(SecureJoin.Join(upper, path)) is not null)
            {
                continue;
            }

            if (DirectoryStat.Of(SecureJoin.Join(_root, path)) is { IsDirectory: true } before)
            {
                _copies.Add(new CopiedDirectory(path, before));
            }
        }
    }
}
