namespace Kiln.Runtime.Linux.Containers;

/// <summary>Which output of a container some bytes came from.</summary>
public enum OutputChannel
{
    Stdout,
    Stderr,
}
