using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Content.Archives;

/// <summary>Source-generated (AOT-safe) JSON for the docker archive files; OCI documents go through Kiln.Oci.</summary>
[JsonSourceGenerationOptions(AllowDuplicateProperties = false, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ImmutableArray<DockerManifestEntry>))]
[JsonSerializable(typeof(OciLayoutMarker))]
[JsonSerializable(typeof(SortedDictionary<string, SortedDictionary<string, string>>))]
internal sealed partial class ArchiveJsonContext : JsonSerializerContext;
