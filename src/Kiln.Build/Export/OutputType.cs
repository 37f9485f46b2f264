namespace Kiln.Build.Export;

/// <summary>The <c>type=</c> of a <c>--output</c>, as docker buildx names them.</summary>
public enum OutputType
{
    /// <summary>The local image store (the default), and a push with <c>push=true</c>.</summary>
    Image,

    /// <summary>The final rootfs as files in a directory.</summary>
    Local,

    /// <summary>The final rootfs as one plain tar.</summary>
    Tar,

    /// <summary>An OCI image layout tar.</summary>
    Oci,

    /// <summary>A docker-archive tar (<c>docker load</c>).</summary>
    Docker,
}
