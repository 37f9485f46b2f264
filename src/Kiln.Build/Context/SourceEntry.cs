using Microsoft.Win32.SafeHandles;

namespace Kiln.Build.Context;

/// <summary>
/// One entry below a selected source directory, handed to a <see cref="ISourceVisitor"/> while its parent directory
/// is open: <see cref="Parent"/> is valid only during the visit.
/// </summary>
/// <param name="RelativePath">Relative to the selected directory, slash-separated.</param>
/// <param name="PhysicalPath">Relative to the source root (for messages and the stat cache).</param>
/// <param name="LinkTarget">A symlink's target exactly as stored; null for other types.</param>
internal sealed record SourceEntry(string RelativePath, string Name, FileStat Stat, SafeFileHandle Parent, string PhysicalPath, string? LinkTarget)
{
    public string ProcPath => DirectoryListing.ProcPath(Parent, Name);
}
