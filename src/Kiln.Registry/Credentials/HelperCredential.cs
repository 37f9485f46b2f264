using System.Text.Json.Serialization;

namespace Kiln.Registry.Credentials;

/// <summary>The JSON a <c>docker-credential-*</c> helper reads on <c>store</c> and prints on <c>get</c> (docker-credential-helpers protocol).</summary>
internal sealed record HelperCredential(
    [property: JsonPropertyName("ServerURL")] string? ServerUrl,
    [property: JsonPropertyName("Username")] string? Username,
    [property: JsonPropertyName("Secret")] string? Secret);
