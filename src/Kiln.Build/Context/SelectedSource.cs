using System.Collections.Immutable;

namespace Kiln.Build.Context;

/// <summary>
/// One top-level source of a COPY after wildcard expansion, symlinks followed (inside the source root).
/// </summary>
/// <param name="Text">The source as written in the Dockerfile.</param>
/// <param name="Name">The last lexical component (a symlink's own name, not its target's): the name it gets in a directory destination.</param>
/// <param name="Physical">The resolved path relative to the source root.</param>
internal sealed record SelectedSource(string Text, string Name, ImmutableArray<string> Physical, FileStat Stat)
{
    public string PhysicalPath => string.Join('/', Physical);
}
