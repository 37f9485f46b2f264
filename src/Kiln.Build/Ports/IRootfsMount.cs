namespace Kiln.Build.Ports;

/// <summary>
/// A root filesystem made of layers, mounted (overlayfs over the snapshots) and ready for a step. Disposing it
/// unmounts it and removes its upper directory; it must be disposed also when the step fails or is cancelled.
/// </summary>
public interface IRootfsMount : IAsyncDisposable
{
    /// <summary>The merged directory: what the container sees as <c>/</c> and what COPY writes into.</summary>
    string RootPath { get; }
}
