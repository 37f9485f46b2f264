using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kiln.Registry.Transport;

/// <summary>The one place that decides which certificates a registry connection trusts.</summary>
internal static class HttpHandlerFactory
{
    [SuppressMessage("Security", "CA5359", Justification = "Only for registries the user named insecure (or loopback) without a CA file, as docker does.")]
    public static SocketsHttpHandler Create(RegistryEndpoint endpoint, RegistryOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Blobs must reach the digest check byte for byte: never let the handler gunzip a layer.
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(4, options.MaxParallelBlobs * 2),
        };

        if (options.CaFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new RegistryException($"cannot read CA file {caFile}: {e.Message}", e);
            }

            if (roots.Count == 0)
            {
                throw new RegistryException($"CA file {caFile} holds no PEM certificate");
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateWithRoots(certificate, errors, roots);
        }
        else if (endpoint.IsInsecure)
        {
            // --insecure-registry means what it means for docker: https is tried but its certificate is not checked.
            handler.SslOptions.RemoteCertificateValidationCallback = AcceptAnyCertificate;
        }

        return handler;
    }

    private static bool AcceptAnyCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;

    private static bool ValidateWithRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
