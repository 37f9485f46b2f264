using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Kiln.Registry;

/// <summary><c>{"errors":[{"code":..,"message":..,"detail":..}]}</c>; the detail is free-form JSON and is not kept.</summary>
internal sealed record RegistryErrorBody([property: JsonPropertyName("errors")] ImmutableArray<RegistryError>? Errors);
