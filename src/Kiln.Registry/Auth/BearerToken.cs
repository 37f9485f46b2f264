namespace Kiln.Registry.Auth;

/// <summary>A bearer token and the moment it should no longer be sent.</summary>
internal sealed record BearerToken(string Value, DateTimeOffset RefreshAfter)
{
    public bool IsFresh(TimeProvider time) => time.GetUtcNow() < RefreshAfter;
}
