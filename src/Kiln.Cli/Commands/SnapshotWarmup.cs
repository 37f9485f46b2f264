using Kiln.Content.Images;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln pull</c> and <c>kiln import</c> unpack the image's layers into the snapshot store, as <c>docker pull</c>
/// extracts layers into its image store: the first build or run on the image then mounts them at once.
/// </summary>
/// <remarks>
/// Snapshots hold overlay whiteouts (0/0 device nodes) and <c>trusted.*</c> attributes, which need root; without
/// it the layers stay packed and the first build as root unpacks them, which is all this saves.
/// </remarks>
internal static class SnapshotWarmup
{
    public static async Task UnpackAsync(ImageStore images, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var image = await images.LoadAsync(reference, cancellationToken).ConfigureAwait(false);
        var snapshots = SnapshotStore.Open(images.Content.Root);
        using var lease = await snapshots.AcquireAsync(images.Content, image.Manifest.Value.Layers, image.Config.Value.RootFs.DiffIds, cancellationToken).ConfigureAwait(false);
    }
}
