namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// <c>sharing=</c> of a cache mount: <c>shared</c> (BuildKit's default), <c>private</c> (another copy
/// when busy) or <c>locked</c> (wait).
/// </summary>
public enum MountSharing
{
    Shared,
    Private,
    Locked,
}
