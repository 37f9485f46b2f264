using System.Collections.Immutable;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// The ARGs a Dockerfile gets without declaring them (Dockerfile reference, "Predefined ARGs" and
/// "Automatic platform ARGs in the global scope").
/// </summary>
public static class PredefinedArgs
{
    /// <summary>
    /// Proxy variables: a <c>--build-arg</c> of one of these reaches RUN without an ARG line, and is
    /// kept out of the image history because proxies often carry credentials.
    /// </summary>
    public static ImmutableHashSet<string> ProxyNames { get; } = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    /// <summary>
    /// The platform ARGs. They are set in the global scope (so FROM lines can use them); inside a
    /// stage they exist only once declared with a bare <c>ARG NAME</c>.
    /// </summary>
    public static ImmutableDictionary<string, string> Platform(Platform target, Platform build)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(build);
        return ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["TARGETPLATFORM"] = target.ToString(),
            ["TARGETOS"] = target.Os,
            ["TARGETARCH"] = target.Architecture,
            ["TARGETVARIANT"] = target.Variant ?? string.Empty,
            ["BUILDPLATFORM"] = build.ToString(),
            ["BUILDOS"] = build.Os,
            ["BUILDARCH"] = build.Architecture,
            ["BUILDVARIANT"] = build.Variant ?? string.Empty,
        });
    }
}
