using System.CommandLine;
using Kiln.Registry;
using Kiln.Registry.Credentials;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln logout [REGISTRY]</c>: forgets a stored credential, in the config file and its credential helper.</summary>
internal static class LogoutCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        _ = global;
        var server = new Argument<string?>("SERVER")
        {
            Description = $"The registry, host[:port] (default: {RegistryEndpoint.DockerHubName})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("logout", "Log out from a registry") { server };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var host = parse.GetValue(server) ?? RegistryEndpoint.DockerHubName;
            try
            {
                var options = new RegistryOptions();
                var key = RegistryEndpoint.Resolve(host, options).CredentialKey;
                var removed = await RegistryLogin.LogoutAsync(host, options, DockerCredentialStore.ForCurrentUser(), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(removed ? $"Removing login credentials for {key}" : $"Not logged in to {key}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"ERROR: kiln logout: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UserError;
            }
        });
        return command;
    }
}
