using Kiln.Oci;

namespace Kiln.Content.Images;

/// <summary>
/// More garbage-collection roots than the image names: a build cache pins its layers and manifests here. It is
/// asked while prune holds the store exclusively, so what it returns cannot change underneath the sweep.
/// A root that is a manifest or an index keeps everything it references too.
/// </summary>
public interface IPruneRoots
{
    Task<IReadOnlyCollection<Digest>> GetRootsAsync(CancellationToken cancellationToken);
}
