using System.Collections.Immutable;

namespace Kiln.Build.Ports;

/// <summary>
/// ADD's URL sources, downloaded into a directory of their own that the copy then takes them from. Disposing it
/// deletes the directory.
/// </summary>
public interface IDownloadedSources : IAsyncDisposable
{
    /// <summary>The directory: the copy's source root.</summary>
    string Root { get; }

    /// <summary>Each URL's file, as a source path in <see cref="Root"/> (wildcard characters escaped), in the URLs' order.</summary>
    ImmutableArray<string> Sources { get; }
}
