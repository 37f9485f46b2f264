using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Runtime.Linux.Spec;

/// <remarks>https://github.com/opencontainers/runtime-spec/blob/v1.0.2/config.md#process</remarks>
public sealed record OciProcess(
    [property: JsonPropertyName("terminal")] bool Terminal,
    [property: JsonPropertyName("user")] OciUser User,
    [property: JsonPropertyName("args")] ImmutableArray<string> Args,
    [property: JsonPropertyName("env")] ImmutableArray<string> Env,
    [property: JsonPropertyName("cwd")] string Cwd,
    [property: JsonPropertyName("capabilities")] OciCapabilities Capabilities,
    [property: JsonPropertyName("rlimits")] ImmutableArray<OciRlimit> Rlimits,
    [property: JsonPropertyName("noNewPrivileges")] bool NoNewPrivileges);
