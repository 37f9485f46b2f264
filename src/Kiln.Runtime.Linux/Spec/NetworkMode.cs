namespace Kiln.Runtime.Linux.Spec;

/// <summary>The network a container gets.</summary>
public enum NetworkMode
{
    /// <summary>The host's network namespace (what <c>--network=default</c> means for Kiln, as for a BuildKit RUN without CNI).</summary>
    Host,

    /// <summary>A new network namespace with only the loopback interface.</summary>
    None,
}
