namespace Kiln.Registry.Credentials;

/// <summary>
/// What a user logged in with: a username and password, or an identity token (an OAuth2 refresh token that
/// docker stores as <c>identitytoken</c>, and that helpers return with the username <c>&lt;token&gt;</c>).
/// </summary>
public sealed record RegistryCredential(string Username, string Password)
{
    public string? IdentityToken { get; init; }

    /// <summary>Keeps secrets out of logs and exception messages.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}
