using System.Collections.Immutable;

namespace Kiln.Registry;

/// <summary>
/// Everything needed to (re)build one registry request: retries and auth round trips send a fresh
/// <see cref="HttpRequestMessage"/> each time, which .NET requires.
/// </summary>
internal sealed record RegistryRequest(HttpMethod Method, Uri Uri, ImmutableArray<string> Scopes)
{
    public ImmutableArray<string> Accept { get; init; } = [];

    /// <summary>Builds the body for each attempt; null for none.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Safe to send again after a 5xx, 429 or dropped connection.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Safe to send again after a 401 (the body, if any, can be rebuilt).</summary>
    public bool Replayable { get; init; } = true;

    /// <summary>Return after the headers so that the body can be streamed.</summary>
    public bool Stream { get; init; }

    public long? RangeFrom { get; init; }
}
