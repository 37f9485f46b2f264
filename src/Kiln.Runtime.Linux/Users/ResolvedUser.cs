using System.Collections.Immutable;

namespace Kiln.Runtime.Linux.Users;

/// <summary>A <c>USER</c> resolved against an image: ids for the runtime, and HOME from the passwd entry (null without one).</summary>
public sealed record ResolvedUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids, string? Home);
