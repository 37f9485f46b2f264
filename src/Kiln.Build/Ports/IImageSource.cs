using Kiln.Oci;

namespace Kiln.Build.Ports;

/// <summary>Finds base images: the local image store first, else a pull into it (as docker does).</summary>
public interface IImageSource
{
    /// <param name="reference">The reference as the Dockerfile wrote it (after ARG expansion).</param>
    /// <param name="alwaysPull"><c>--pull</c>: ask the registry even when the store has the name.</param>
    Task<BaseImage> ResolveAsync(string reference, OciPlatform platform, bool alwaysPull, CancellationToken cancellationToken);
}
