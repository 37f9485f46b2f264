using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <summary>Source-generated (NativeAOT has no reflection-based JSON).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(OciSpec))]
internal sealed partial class RuntimeSpecJsonContext : JsonSerializerContext;
