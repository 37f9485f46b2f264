using System.Collections.Immutable;

namespace Kiln.Registry;

/// <summary>How to reach and talk to registries; one value shared by every <see cref="RegistryClient"/> of a command.</summary>
public sealed record RegistryOptions
{
    /// <summary>Registries (host or host:port) named with <c>--insecure-registry</c>: http is allowed and https certificates are not verified.</summary>
    public ImmutableArray<string> InsecureRegistries { get; init; } = [];

    /// <summary>A PEM file of CA certificates trusted instead of the system store for https registries.</summary>
    public string? CaFile { get; init; }

    /// <summary>Attempts for one idempotent request (first try included) on 5xx, 429 and dropped connections.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first backoff; it doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>A Retry-After longer than this is a failure rather than a wait.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>When set, blobs are uploaded in PATCH chunks of this size (raised to the registry's <c>OCI-Chunk-Min-Length</c>); otherwise with one streamed PUT.</summary>
    public int? UploadChunkSize { get; init; }

    /// <summary>Blobs transferred at once by a pull or push.</summary>
    public int MaxParallelBlobs { get; init; } = 3;

    /// <summary>
    /// How long any read or write of a request may go without a byte moving (connecting and waiting for headers
    /// included) before it counts as stalled; <c>KILN_NETWORK_IDLE_TIMEOUT</c> sets it, else 30 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Transport.NetworkEnvironment.IdleTimeout();

    /// <summary>
    /// Resumes (<c>Range</c> requests) one blob download may make in all, progress or not, before it fails, as
    /// docker's <c>--max-download-attempts</c> bounds a layer's tries: a registry that stalls after every few bytes
    /// ends in minutes, not never.
    /// </summary>
    public int MaxResumes { get; init; } = 5;

    public string UserAgent { get; init; } = "kiln/0.1";
}
