using System.CommandLine;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Registry.Credentials;

namespace Kiln.Cli.Commands;

/// <summary>
/// The options of every command that talks to a registry (pull, push, login), and the one place that turns them into
/// a <see cref="RegistryClient"/> with docker's credentials (<c>$DOCKER_CONFIG/config.json</c>, credential helpers).
/// </summary>
internal sealed class RegistryCommandOptions
{
    public Option<string[]> InsecureRegistries { get; } = new("--insecure-registry")
    {
        Description = "Allow plain http and unverified https for this registry (host[:port]); 127.0.0.1 and localhost always are",
        AllowMultipleArgumentsPerToken = false,
        HelpName = "HOST",
    };

    public Option<string?> CaFile { get; } = new("--ca-file")
    {
        Description = "Trust the CA certificates in this PEM file for https registries instead of the system's",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(InsecureRegistries);
        command.Options.Add(CaFile);
    }

    public RegistryOptions Read(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var caFile = parse.GetValue(CaFile);
        if (caFile is not null && !File.Exists(caFile))
        {
            throw new FileNotFoundException($"--ca-file {caFile}: no such file", caFile);
        }

        return new RegistryOptions
        {
            InsecureRegistries = [.. parse.GetValue(InsecureRegistries) ?? []],
            CaFile = caFile is null ? null : Path.GetFullPath(caFile),
        };
    }

    /// <summary>A client for the registry <paramref name="reference"/> lives on, with the user's stored credentials.</summary>
    public static RegistryClient CreateClient(ImageReference reference, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new RegistryClient(RegistryEndpoint.Resolve(reference.Registry, options), options, DockerCredentialStore.ForCurrentUser());
    }

    /// <summary>docker's short form of a digest, the first 12 hex digits: what it prints beside each layer.</summary>
    public static string ShortId(Digest digest) => digest.Encoded[..Math.Min(12, digest.Encoded.Length)];
}
