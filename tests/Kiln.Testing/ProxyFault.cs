namespace Kiln.Testing;

/// <summary>What <see cref="FaultProxy"/> does with one request. Body byte counts are of the response body unless the name says upload.</summary>
public abstract record ProxyFault
{
    /// <summary>Forward the exchange untouched.</summary>
    public static ProxyFault Pass { get; } = new PassFault();

    /// <summary>Answer with this status and a distribution error body (code <c>INJECTED</c>) instead of forwarding.</summary>
    public sealed record Status(int Code, string? RetryAfter = null) : ProxyFault;

    /// <summary>
    /// Answer with exactly this status, content type and body instead of forwarding (a token endpoint gone wrong, a
    /// challenge); <paramref name="Headers"/> are more header lines, each ending in CRLF.
    /// </summary>
    public sealed record Answer(int Code, string ContentType, string Body, string Headers = "") : ProxyFault;

    /// <summary>Forward, then reset the connection (RST) after this many body bytes.</summary>
    public sealed record Reset(long AfterBodyBytes) : ProxyFault;

    /// <summary>Forward, then close the connection cleanly (FIN) after this many body bytes: a body shorter than its Content-Length.</summary>
    public sealed record Truncate(long AfterBodyBytes) : ProxyFault;

    /// <summary>Forward this many body bytes, then send nothing more while holding the connection open.</summary>
    public sealed record Stall(long AfterBodyBytes) : ProxyFault;

    /// <summary>Forward the body in pieces of <paramref name="ChunkBytes"/> with <paramref name="Pause"/> between them.</summary>
    public sealed record Trickle(int ChunkBytes, TimeSpan Pause) : ProxyFault;

    /// <summary>Forward the body with the byte at this offset inverted: right length, wrong digest.</summary>
    public sealed record Corrupt(long AtBodyByte) : ProxyFault;

    /// <summary>Forward without the Range header, like a server that does not support ranges.</summary>
    public sealed record StripRange : ProxyFault;

    /// <summary>Forward this many bytes of the request body (an upload), then stop reading it while holding the connection open.</summary>
    public sealed record StallUpload(long AfterBodyBytes) : ProxyFault;

    /// <summary>Forward the request body (an upload) in pieces of <paramref name="ChunkBytes"/> with <paramref name="Pause"/> between them.</summary>
    public sealed record TrickleUpload(int ChunkBytes, TimeSpan Pause) : ProxyFault;

    private sealed record PassFault : ProxyFault;
}
