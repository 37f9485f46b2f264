namespace Kiln.Dockerfile.Instructions;

/// <summary><c>RUN --network</c>: <c>default</c> (the build's own network), <c>none</c> or <c>host</c>.</summary>
public enum RunNetwork
{
    Default,
    None,
    Host,
}
