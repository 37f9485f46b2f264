namespace Kiln.Dockerfile.Instructions;

/// <summary><c>RUN --mount type=</c>; <c>bind</c> when not given.</summary>
public enum MountType
{
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}
