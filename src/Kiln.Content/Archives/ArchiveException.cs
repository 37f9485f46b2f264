namespace Kiln.Content.Archives;

/// <summary>
/// An image archive or rootfs tarball that cannot be read or loaded: a malformed or hostile archive, a
/// manifest.json that points outside the archive or at a missing file, a layer whose diffID does not match its
/// config. The message names the file and what is wrong; the user has something to fix.
/// </summary>
public sealed class ArchiveException : Exception
{
    public ArchiveException()
    {
    }

    public ArchiveException(string message)
        : base(message)
    {
    }

    public ArchiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
