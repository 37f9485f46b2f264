namespace Kiln.Registry.Credentials;

/// <summary>One fixed credential (or none), for callers that already have it: <c>kiln login</c> checks a password before storing it.</summary>
public sealed class StaticCredentialSource(RegistryCredential? credential) : ICredentialSource
{
    public static StaticCredentialSource Anonymous { get; } = new(null);

    public ValueTask<RegistryCredential?> GetAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken) => ValueTask.FromResult(credential);
}
