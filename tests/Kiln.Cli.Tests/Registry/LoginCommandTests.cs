using System.Text.Json;

namespace Kiln.Cli.Tests.Registry;

/// <summary><c>kiln login</c>/<c>logout</c> against docker-registry with https and htpasswd, and pulls with the stored credential.</summary>
[Collection(RegistryCommandsGroup.Name)]
public sealed class LoginCommandTests : IAsyncLifetime, IDisposable
{
    private readonly CliSandbox _sandbox = new();
    private RegistryServer? _server;

    private RegistryServer Server => _server!;

    public async Task InitializeAsync() => _server = await RegistryServer.StartAsync(tlsAndBasicAuth: true);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose() => _sandbox.Dispose();

    private async Task SeedAsync(string repository)
    {
        // The seeder pushes with the registry client directly, authenticated by a credential in the temp config.
        Assert.Equal(0, Login("-u", RegistryServer.User, "-p", RegistryServer.Password).ExitCode);
        var image = await SeedImage.PushAsync(Server.Host, repository, "v1", repository);
        Assert.NotNull(image);
        Assert.Equal(0, _sandbox.Run("root", "logout", Server.Host).ExitCode);
    }

    private CliRun Login(params string[] args) => _sandbox.Run("root", ["login", "--ca-file", Server.CaFile, .. args, Server.Host]);

    [Fact]
    public async Task Login_stores_the_credential_pull_uses_it_and_logout_forgets_it()
    {
        await SeedAsync("secure/app");
        var anonymous = _sandbox.Run("root", "pull", "--ca-file", Server.CaFile, $"{Server.Host}/secure/app:v1");
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("401", anonymous.Error, StringComparison.Ordinal);
        Assert.Contains(Server.Host, anonymous.Error, StringComparison.Ordinal);

        var login = Login("-u", RegistryServer.User, "-p", RegistryServer.Password);
        Assert.True(login.ExitCode == 0, login.Error);
        Assert.Equal("Login Succeeded\n", login.Output);
        Assert.Contains("WARNING! Using --password via the CLI is insecure", login.Error, StringComparison.Ordinal);
        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(_sandbox.ConfigJson)))
        {
            var auth = config.RootElement.GetProperty("auths").GetProperty(Server.Host).GetProperty("auth").GetString();
            Assert.Equal($"{RegistryServer.User}:{RegistryServer.Password}", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(auth!)));
        }

        var pull = _sandbox.Run("root", "pull", "--ca-file", Server.CaFile, $"{Server.Host}/secure/app:v1");
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Contains("Status: Downloaded newer image", pull.Output, StringComparison.Ordinal);

        var push = _sandbox.Run("root", "push", "--ca-file", Server.CaFile, $"{Server.Host}/secure/app:v1", $"{Server.Host}/secure/copy:v1");
        Assert.True(push.ExitCode == 0, push.Error);

        var logout = _sandbox.Run("root", "logout", Server.Host);
        Assert.Equal($"Removing login credentials for {Server.Host}\n", logout.Output);
        Assert.Equal($"Not logged in to {Server.Host}\n", _sandbox.Run("root", "logout", Server.Host).Output);
        Assert.Equal(1, _sandbox.Run("fresh", "pull", "--ca-file", Server.CaFile, $"{Server.Host}/secure/app:v1").ExitCode);
    }

    [Fact]
    public void A_wrong_password_is_refused_naming_the_registry_and_nothing_is_stored()
    {
        var login = Login("-u", RegistryServer.User, "-p", "wrong");

        Assert.Equal(1, login.ExitCode);
        Assert.StartsWith("WARNING! Using --password", login.Error, StringComparison.Ordinal);
        Assert.Contains("ERROR: kiln login: ", login.Error, StringComparison.Ordinal);
        Assert.Contains(Server.Host, login.Error, StringComparison.Ordinal);
        Assert.Contains("401 Unauthorized", login.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.ConfigJson) && File.ReadAllText(_sandbox.ConfigJson).Contains(Server.Host, StringComparison.Ordinal));
    }

    [Fact]
    public void Password_stdin_reads_the_password_and_needs_a_username()
    {
        var previous = Console.In;
        try
        {
            Console.SetIn(new StringReader(RegistryServer.Password + "\n"));
            var login = Login("-u", RegistryServer.User, "--password-stdin");
            Assert.True(login.ExitCode == 0, login.Error);
            Assert.Equal("Login Succeeded\n", login.Output);
            Assert.DoesNotContain("Using --password via the CLI", login.Error, StringComparison.Ordinal);

            Console.SetIn(new StringReader(RegistryServer.Password));
            var noUser = Login("--password-stdin");
            Assert.Equal(1, noUser.ExitCode);
            Assert.Contains("Must provide --username with --password-stdin", noUser.Error, StringComparison.Ordinal);
        }
        finally
        {
            Console.SetIn(previous);
        }
    }
}
