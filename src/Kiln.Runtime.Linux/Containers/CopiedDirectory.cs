namespace Kiln.Runtime.Linux.Containers;

/// <summary>A lower directory a mount stub may copy up into the upper, and its metadata before it was.</summary>
/// <param name="Path">Relative to the root, with a leading <c>/</c>.</param>
internal sealed record CopiedDirectory(string Path, DirectoryStat Before);
