namespace Kiln.Dockerfile.Instructions;

/// <summary>One exposed container port, as the image config key <c>port/protocol</c> names it.</summary>
public sealed record ExposedPort(int Port, string Protocol)
{
    public override string ToString() => $"{Port}/{Protocol}";
}
