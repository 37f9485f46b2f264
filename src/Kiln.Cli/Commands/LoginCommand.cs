using System.CommandLine;
using Kiln.Registry;
using Kiln.Registry.Credentials;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln login [-u USER] [--password-stdin | -p PASS] [REGISTRY]</c>: checks the credential against the registry,
/// then stores it where <c>docker login</c> would (<c>$DOCKER_CONFIG/config.json</c> or its credential helper).
/// </summary>
internal static class LoginCommand
{
    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error)
    {
        _ = global;
        var registry = new RegistryCommandOptions();
        var username = new Option<string?>("--username", "-u") { Description = "Username" };
        var password = new Option<string?>("--password", "-p") { Description = "Password (visible to other users of this machine: prefer --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var server = new Argument<string?>("SERVER")
        {
            Description = $"The registry, host[:port] (default: {RegistryEndpoint.DockerHubName})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("login", "Log in to a registry") { username, password, passwordStdin, server };
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var host = parse.GetValue(server) ?? RegistryEndpoint.DockerHubName;
            var user = parse.GetValue(username);
            var secret = parse.GetValue(password);
            if (parse.GetValue(passwordStdin))
            {
                if (secret is not null)
                {
                    return await FailAsync(error, "--password and --password-stdin are mutually exclusive").ConfigureAwait(false);
                }

                if (string.IsNullOrEmpty(user))
                {
                    return await FailAsync(error, "Must provide --username with --password-stdin").ConfigureAwait(false);
                }

                // docker trims the trailing newline that `echo` and files end with; the password itself may hold spaces.
                secret = (await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
            }
            else if (secret is not null)
            {
                await error.WriteLineAsync("WARNING! Using --password via the CLI is insecure. Use --password-stdin.").ConfigureAwait(false);
            }

            if (string.IsNullOrEmpty(user))
            {
                return await FailAsync(error, "a username is required: -u USER").ConfigureAwait(false);
            }

            if (string.IsNullOrEmpty(secret))
            {
                return await FailAsync(error, "a password is required: --password-stdin (or -p)").ConfigureAwait(false);
            }

            try
            {
                var where = await RegistryLogin.LoginAsync(host, new RegistryCredential(user, secret), registry.Read(parse), DockerCredentialStore.ForCurrentUser(), cancellationToken)
                    .ConfigureAwait(false);
                if (where.EndsWith(".json", StringComparison.Ordinal))
                {
                    await error.WriteLineAsync($"WARNING! Your password will be stored unencrypted in {where}.").ConfigureAwait(false);
                }

                await output.WriteLineAsync("Login Succeeded").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return await FailAsync(error, e.Message).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"ERROR: kiln login: {message}").ConfigureAwait(false);
        return ExitCodes.UserError;
    }
}
