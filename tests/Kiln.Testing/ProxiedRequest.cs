namespace Kiln.Testing;

/// <summary>One request <see cref="FaultProxy"/> saw: its method, path with query, and Range header.</summary>
public sealed record ProxiedRequest(string Method, string Path, string? Range)
{
    public bool IsBlobGet => Method == "GET" && Path.Contains("/blobs/sha", StringComparison.Ordinal);

    public bool IsManifest => Path.Contains("/manifests/", StringComparison.Ordinal);

    public bool IsUploadPut => Method == "PUT" && Path.Contains("/blobs/uploads/", StringComparison.Ordinal);
}
