namespace Kiln.Build.Copy;

/// <summary>The uid and gid a <c>--chown</c> resolved to.</summary>
public readonly record struct CopyOwner(uint Uid, uint Gid);
