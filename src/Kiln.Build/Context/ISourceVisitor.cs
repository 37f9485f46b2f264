namespace Kiln.Build.Context;

/// <summary>Receives a source tree from <see cref="SourceWalker"/>: directories before and after their contents.</summary>
internal interface ISourceVisitor
{
    ValueTask EnterDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken);

    ValueTask VisitAsync(SourceEntry entry, CancellationToken cancellationToken);

    ValueTask LeaveDirectoryAsync(SourceEntry directory, CancellationToken cancellationToken);
}
