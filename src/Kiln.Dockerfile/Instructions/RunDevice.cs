namespace Kiln.Dockerfile.Instructions;

/// <summary><c>RUN --device=name[,required]</c>: a CDI device to expose to the command.</summary>
public sealed record RunDevice(string Name, bool Required);
