using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

public sealed record OciUser(
    [property: JsonPropertyName("uid")] uint Uid,
    [property: JsonPropertyName("gid")] uint Gid,
    [property: JsonPropertyName("additionalGids")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ImmutableArray<uint> AdditionalGids);
