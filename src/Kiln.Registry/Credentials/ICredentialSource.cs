namespace Kiln.Registry.Credentials;

/// <summary>Where a <see cref="RegistryClient"/> finds the credential for its registry; null means anonymous.</summary>
public interface ICredentialSource
{
    ValueTask<RegistryCredential?> GetAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken);
}
