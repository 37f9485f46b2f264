using System.Collections.Immutable;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Content.Paths;

/// <summary>
/// Where a path landed inside a <see cref="RootDirectory"/>: an open descriptor of the parent directory and the final
/// name, to be used with the *at system calls so that nothing between resolution and use can redirect the operation.
/// </summary>
internal sealed class ResolvedLocation : IDisposable
{
    private readonly bool _ownsParent;

    internal ResolvedLocation(SafeFileHandle? parent, bool ownsParent, string name, ImmutableArray<string> components)
    {
        Parent = parent;
        _ownsParent = ownsParent;
        Name = name;
        Components = components;
    }

    /// <summary>The parent directory, or null when a parent does not exist (and was not to be created).</summary>
    public SafeFileHandle? Parent { get; }

    /// <summary>The final component; empty when the path is the root itself.</summary>
    public string Name { get; }

    /// <summary>The physical path relative to the root, symlinks resolved, final component included.</summary>
    public ImmutableArray<string> Components { get; }

    public bool IsRoot => Name.Length == 0;

    /// <summary>The path relative to the root, for messages and bookkeeping ("" for the root).</summary>
    public string RelativePath => string.Join('/', Components);

    /// <summary>A path the kernel resolves through the pinned parent descriptor without following the final name.</summary>
    public string ProcPath
    {
        get
        {
            var parent = Parent ?? throw new InvalidOperationException("the parent directory does not exist");
            return $"/proc/self/fd/{parent.DangerousGetHandle()}/{Name}";
        }
    }

    public void Dispose()
    {
        if (_ownsParent)
        {
            Parent?.Dispose();
        }
    }
}
