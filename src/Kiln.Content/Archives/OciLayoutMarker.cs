using System.Text.Json.Serialization;

namespace Kiln.Content.Archives;

/// <summary>
/// The <c>oci-layout</c> file of an OCI image layout. It MUST be present and its version says how to read
/// the rest: https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#oci-layout-file
/// </summary>
internal sealed record OciLayoutMarker([property: JsonPropertyName("imageLayoutVersion")] string ImageLayoutVersion)
{
    public const string CurrentVersion = "1.0.0";
}
