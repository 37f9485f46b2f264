namespace Kiln.Build.Context;

/// <summary>Receives a source tree from <see cref="SourceWalker"/>: directories before and after their contents.</summary>
internal interface ISourceVisitor
{
    ValueTask EnterDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken);

    /// <summary>
    /// The non-directory entries of one directory that will be visited, in name order, before the first of them is
    /// (and after the directory was entered). Their parent is open until the last of them has been visited. The
    /// per-file work that does not depend on order (reading, hashing, copying a file's data) can be done here on
    /// several threads; <see cref="VisitAsync"/> then comes for each of them, in order, on one thread.
    /// </summary>
    ValueTask PrepareFilesAsync(IReadOnlyList<SourceEntry> files, CancellationToken cancellationToken);

    ValueTask VisitAsync(SourceEntry entry, CancellationToken cancellationToken);

    ValueTask LeaveDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken);
}
