using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kiln.Content.IO;

namespace Kiln.Registry.Credentials;

/// <summary>
/// Docker's credential configuration, <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>:
/// <c>credHelpers</c> (per registry) win over <c>credsStore</c> (all registries), which wins over the file's own
/// <c>auths</c> entries (base64 <c>auth</c> of <c>user:password</c>, or <c>username</c>/<c>password</c>, and
/// <c>identitytoken</c>). Fields Kiln does not know are kept when the file is rewritten, since docker and other
/// tools share it.
/// </summary>
public sealed class DockerCredentialStore : ICredentialSource
{
    public DockerCredentialStore(string configPath) => ConfigPath = configPath;

    public string ConfigPath { get; }

    /// <summary>The file docker itself would use for the current user.</summary>
    public static DockerCredentialStore ForCurrentUser()
    {
        var directory = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            directory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }

        return new DockerCredentialStore(Path.Combine(directory, "config.json"));
    }

    public async ValueTask<RegistryCredential?> GetAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var config = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (HelperFor(config, endpoint) is { } helper)
        {
            var fromHelper = await helper.GetAsync(endpoint.CredentialKey, cancellationToken).ConfigureAwait(false);
            if (fromHelper is not null)
            {
                return fromHelper;
            }
        }

        return FindAuthEntry(config, endpoint) is { } entry ? ReadAuthEntry(entry, endpoint) : null;
    }

    /// <summary>Saves a credential the way <c>docker login</c> would; returns a description of where it went.</summary>
    public async Task<string> StoreAsync(RegistryEndpoint endpoint, RegistryCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        var config = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var auths = config["auths"] as JsonObject ?? new JsonObject();
        config["auths"] = auths;
        RemoveMatchingKeys(auths, endpoint);
        if (HelperFor(config, endpoint) is { } helper)
        {
            await helper.StoreAsync(endpoint.CredentialKey, credential, cancellationToken).ConfigureAwait(false);

            // docker keeps an empty entry so that `docker login` lists the registry; the secret lives in the helper.
            auths[endpoint.CredentialKey] = new JsonObject();
            await WriteAsync(config, cancellationToken).ConfigureAwait(false);
            return helper.Program;
        }

        var entry = new JsonObject();
        if (credential.IdentityToken is { } token)
        {
            entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":"));
            entry["identitytoken"] = token;
        }
        else
        {
            entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password));
        }

        auths[endpoint.CredentialKey] = entry;
        await WriteAsync(config, cancellationToken).ConfigureAwait(false);
        return ConfigPath;
    }

    /// <summary>Removes the registry's credential from the helper and the file; false when there was none in the file.</summary>
    public async Task<bool> EraseAsync(RegistryEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var config = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (HelperFor(config, endpoint) is { } helper)
        {
            await helper.EraseAsync(endpoint.CredentialKey, cancellationToken).ConfigureAwait(false);
        }

        var removed = config["auths"] is JsonObject auths && RemoveMatchingKeys(auths, endpoint);
        if (removed)
        {
            await WriteAsync(config, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private static CredentialHelper? HelperFor(JsonObject config, RegistryEndpoint endpoint)
    {
        if (config["credHelpers"] is JsonObject helpers)
        {
            foreach (var (key, value) in helpers)
            {
                if (Matches(key, endpoint) && value is JsonValue name && name.TryGetValue<string>(out var helperName) && helperName.Length > 0)
                {
                    return CredentialHelper.Create(helperName);
                }
            }
        }

        return config["credsStore"] is JsonValue store && store.TryGetValue<string>(out var storeName) && storeName.Length > 0
            ? CredentialHelper.Create(storeName)
            : null;
    }

    private static JsonObject? FindAuthEntry(JsonObject config, RegistryEndpoint endpoint)
    {
        if (config["auths"] is not JsonObject auths)
        {
            return null;
        }

        if (auths[endpoint.CredentialKey] is JsonObject exact)
        {
            return exact;
        }

        foreach (var (key, value) in auths)
        {
            if (value is JsonObject entry && Matches(key, endpoint))
            {
                return entry;
            }
        }

        return null;
    }

    private static RegistryCredential? ReadAuthEntry(JsonObject entry, RegistryEndpoint endpoint)
    {
        var username = StringField(entry, "username");
        var password = StringField(entry, "password");
        if (StringField(entry, "auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException e)
            {
                throw new RegistryException($"the \"auth\" entry for {endpoint.CredentialKey} in docker config is not base64", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new RegistryException($"the \"auth\" entry for {endpoint.CredentialKey} in docker config is not user:password");
            }

            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }

        var identityToken = StringField(entry, "identitytoken");
        if (string.IsNullOrEmpty(identityToken) && string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password))
        {
            return null;
        }

        return new RegistryCredential(username ?? string.Empty, password ?? string.Empty)
        {
            IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken,
        };
    }

    private static string? StringField(JsonObject entry, string name) =>
        entry[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Keys are written in many ways (<c>host</c>, <c>https://host</c>, <c>https://host/v1/</c>); they match by registry name.</summary>
    private static bool Matches(string key, RegistryEndpoint endpoint)
    {
        try
        {
            return string.Equals(RegistryEndpoint.NormalizeName(key), endpoint.Name, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool RemoveMatchingKeys(JsonObject auths, RegistryEndpoint endpoint)
    {
        var keys = auths.Select(p => p.Key).Where(k => Matches(k, endpoint)).ToList();
        foreach (var key in keys)
        {
            auths.Remove(key);
        }

        return keys.Count > 0;
    }

    private async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ConfigPath))
        {
            return new JsonObject();
        }

        var stream = new FileStream(ConfigPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var node = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                return node as JsonObject ?? throw new RegistryException($"{ConfigPath} is not a JSON object");
            }
            catch (JsonException e)
            {
                throw new RegistryException($"{ConfigPath} is not valid JSON: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Replaced whole (<see cref="ReplacementFile"/>): a crash never leaves a half-written config (and its other
    /// registries' secrets) behind, nor a copy of it beside the file.
    /// </summary>
    private async Task WriteAsync(JsonObject config, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ConfigPath))!);

        // The file holds passwords: readable by its owner only, as docker writes it.
        var file = ReplacementFile.Create(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (file.ConfigureAwait(false))
        {
            var writer = new Utf8JsonWriter(file.Stream, new JsonWriterOptions { Indented = true });
            await using (writer.ConfigureAwait(false))
            {
                config.WriteTo(writer);
            }

            await file.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
