namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>Set-up 1: plain http, no auth.</summary>
public sealed class PlainRegistryFixture : IAsyncLifetime
{
    private readonly string root = TempDirectory.Create();
    private RegistryProcess? registry;

    internal RegistryProcess Registry => registry ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => registry = await RegistryProcess.StartAsync(root);

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        TempDirectory.Delete(root);
    }
}
