namespace Kiln.Dockerfile.Instructions;

/// <summary><c>RUN --security</c>: <c>sandbox</c> (default) or <c>insecure</c> (all capabilities; needs an entitlement).</summary>
public enum RunSecurity
{
    Sandbox,
    Insecure,
}
