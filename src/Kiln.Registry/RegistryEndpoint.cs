using System.Net;

namespace Kiln.Registry;

/// <summary>
/// One registry as the user names it, and where its API really lives. Docker Hub is the one registry with three
/// names: <c>docker.io</c> in image references, <c>registry-1.docker.io</c> for the API, and
/// <c>https://index.docker.io/v1/</c> as the key in docker's config.json.
/// </summary>
public sealed record RegistryEndpoint(string Name, string ApiHost, bool IsInsecure)
{
    public const string DockerHubName = "docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";
    public const string DockerHubConfigKey = "https://index.docker.io/v1/";

    /// <summary>The key docker's config.json and credential helpers use for this registry.</summary>
    public string CredentialKey => Name == DockerHubName ? DockerHubConfigKey : Name;

    public static RegistryEndpoint Resolve(string registry, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = NormalizeName(registry);
        var apiHost = name == DockerHubName ? DockerHubApiHost : name;
        var insecure = IsLoopback(name) || options.InsecureRegistries.Any(r => string.Equals(NormalizeName(r), name, StringComparison.OrdinalIgnoreCase));
        return new RegistryEndpoint(name, apiHost, insecure);
    }

    /// <summary>Accepts <c>host</c>, <c>host:port</c> and URL forms people paste (<c>https://host/v1/</c>), returning <c>host[:port]</c> lower-cased.</summary>
    public static string NormalizeName(string registry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registry);
        var name = registry.Trim();
        var scheme = name.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            name = name[(scheme + 3)..];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            name = name[..slash];
        }

        name = name.ToLowerInvariant();
        return name is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? DockerHubName : name;
    }

    private static bool IsLoopback(string name)
    {
        var host = HostPart(name);
        if (host == "localhost")
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    private static string HostPart(string name)
    {
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? name[1..close] : name;
        }

        var colon = name.LastIndexOf(':');
        return colon >= 0 ? name[..colon] : name;
    }
}
