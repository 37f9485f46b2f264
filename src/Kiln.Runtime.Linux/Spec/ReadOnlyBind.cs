namespace Kiln.Runtime.Linux.Spec;

/// <summary>A host directory or file bind-mounted read-only into the container, after the standard mounts.</summary>
/// <param name="Source">Host path.</param>
/// <param name="Destination">Absolute path in the container.</param>
public sealed record ReadOnlyBind(string Source, string Destination);
