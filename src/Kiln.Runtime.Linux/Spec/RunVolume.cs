namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// A directory mounted for one RUN only (<c>RUN --mount</c>): a host directory (a cache mount) bound at
/// <paramref name="Target"/>, or a fresh tmpfs there when <paramref name="HostDirectory"/> is null. What the command
/// writes there never reaches the layer.
/// </summary>
/// <param name="TmpfsSize">size= of a tmpfs in bytes; null = the kernel's default.</param>
public sealed record RunVolume(string Target, string? HostDirectory, bool ReadOnly, long? TmpfsSize = null);
