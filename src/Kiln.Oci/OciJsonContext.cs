using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>
/// Source-generated (AOT-safe) JSON metadata for the OCI documents. Reading is strict where ambiguity would be
/// dangerous (a duplicate property, a null where the spec has a value, a missing descriptor field) and lenient
/// where the spec asks for it: unknown properties are ignored. Use <see cref="OciDocuments"/> to parse with
/// validation and to write canonical bytes.
/// </summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(OciPlatform))]
public sealed partial class OciJsonContext : JsonSerializerContext;
