namespace Kiln.Cli.Tests.Registry;

/// <summary>One plain-http registry shared by the registry command tests (each uses its own repositories).</summary>
public sealed class PlainRegistry : IAsyncLifetime
{
    private RegistryServer? _server;

    public RegistryServer Server => _server ?? throw new InvalidOperationException("not started");

    public string Host => Server.Host;

    public async Task InitializeAsync() => _server = await RegistryServer.StartAsync(tlsAndBasicAuth: false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
