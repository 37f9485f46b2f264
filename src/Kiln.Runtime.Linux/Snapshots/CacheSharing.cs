namespace Kiln.Runtime.Linux.Snapshots;

/// <summary>How several runs share one cache mount (BuildKit's <c>sharing=</c>).</summary>
public enum CacheSharing
{
    Shared,
    Private,
    Locked,
}
