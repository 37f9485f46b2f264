namespace Kiln.Content.Layers;

/// <summary>What to do with OCI whiteouts (<c>.wh.NAME</c>, <c>.wh..wh..opq</c>).</summary>
public enum WhiteoutMode
{
    /// <summary>Apply them: delete NAME, empty the directory's lower content. The result is a merged root filesystem.</summary>
    Apply,

    /// <summary>
    /// Write them the way overlayfs stores them in an upper directory: a 0/0 character device for a deleted name and
    /// <c>trusted.overlay.opaque=y</c> on an opaque directory. Needs root (or CAP_MKNOD and CAP_SYS_ADMIN).
    /// </summary>
    Overlay,
}
