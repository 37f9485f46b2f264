namespace Kiln.Runtime.Linux.Spec;

/// <summary>
/// Something mounted for one RUN only (<c>RUN --mount</c>): a host file, directory or socket (a cache directory, a
/// bind's copy, an ssh agent) bound at <paramref name="Target"/>, or a fresh tmpfs there when
/// <paramref name="HostPath"/> is null. What the command writes there never reaches the layer.
/// </summary>
/// <param name="TmpfsSize">size= of a tmpfs in bytes; null = the kernel's default.</param>
public sealed record RunVolume(string Target, string? HostPath, bool ReadOnly, long? TmpfsSize = null);
