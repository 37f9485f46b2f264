using Kiln.Registry.Credentials;

namespace Kiln.Registry;

/// <summary>
/// <c>kiln login</c> and <c>kiln logout</c> as library calls: a password is stored only after the registry has
/// accepted it, in docker's config.json or the configured credential helper.
/// </summary>
public static class RegistryLogin
{
    /// <summary>Checks the credential with an authenticated <c>GET /v2/</c>, then stores it; returns where it went.</summary>
    public static async Task<string> LoginAsync(string registry, RegistryCredential credential, RegistryOptions options, DockerCredentialStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var endpoint = RegistryEndpoint.Resolve(registry, options);
        using (var client = new RegistryClient(endpoint, options, new StaticCredentialSource(credential)))
        {
            await client.PingAsync(cancellationToken).ConfigureAwait(false);
        }

        return await store.StoreAsync(endpoint, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the registry's credential; false when none was stored in the file.</summary>
    public static Task<bool> LogoutAsync(string registry, RegistryOptions options, DockerCredentialStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        return store.EraseAsync(RegistryEndpoint.Resolve(registry, options), cancellationToken);
    }
}
