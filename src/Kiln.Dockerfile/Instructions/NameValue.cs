namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// One ENV or LABEL pair. <see cref="IsLegacy"/> marks the old <c>ENV name value</c> form (BuildKit's
/// <c>NoDelim</c>), which the <c>LegacyKeyValueFormat</c> check warns about.
/// </summary>
public sealed record NameValue(string Name, string Value, bool IsLegacy = false);
