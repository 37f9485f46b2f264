using System.Text.Json.Serialization;
using Kiln.Registry.Auth;
using Kiln.Registry.Credentials;

namespace Kiln.Registry;

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistryErrorBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(HelperCredential))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
