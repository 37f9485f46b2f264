using Kiln.Content.Paths;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// The runtime creates missing mount points in the root (an empty <c>/etc/hosts</c>, <c>/proc</c>, even <c>/etc</c>
/// in a scratch image): they must not end up in the layer. What did not exist before the run and is still an empty
/// file or directory afterwards is removed, as BuildKit's mount-stub cleaner does. The parent directory stays
/// copied up in the upper (with its original time), so the layer has an entry for it that changes nothing: BuildKit's
/// layers have it too (checked with the lab's dockerd 20.10: a `RUN` that changes nothing gives a layer of `etc/`).
/// </summary>
internal sealed class MountStubs
{
    private readonly string _root;
    private readonly List<string> _missing = [];
    private readonly Dictionary<string, DateTime> _parents = new(StringComparer.Ordinal);

    private MountStubs(string root)
    {
        _root = root;
    }

    public static MountStubs Record(string root, IEnumerable<string> destinations)
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
                    var parent = SecureJoin.Join(root, prefix[..prefix.LastIndexOf('/')]);
                    if (Directory.Exists(parent))
                    {
                        stubs._parents.TryAdd(parent, Directory.GetLastWriteTimeUtc(parent));
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
}
