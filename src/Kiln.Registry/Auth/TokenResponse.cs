using System.Text.Json.Serialization;

namespace Kiln.Registry.Auth;

/// <summary>
/// A token endpoint's answer (distribution "Token Authentication Specification"): <c>token</c>, or the OAuth2
/// name <c>access_token</c> for the same thing; <c>expires_in</c> defaults to 60 seconds when absent.
/// </summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);
