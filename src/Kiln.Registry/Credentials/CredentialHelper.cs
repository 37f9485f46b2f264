using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Kiln.Registry.Credentials;

/// <summary>
/// Runs <c>docker-credential-NAME get|store|erase</c> (https://github.com/docker/docker-credential-helpers,
/// "Usage"): the server URL or a JSON credential on stdin, JSON or nothing on stdout, a non-zero exit and a
/// message on stdout for errors.
/// </summary>
internal sealed class CredentialHelper
{
    private const string NotFoundMessage = "credentials not found in native keychain";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private CredentialHelper(string program) => Program = program;

    public string Program { get; }

    public static CredentialHelper Create(string name)
    {
        // The name comes from a config file: it must name a program on PATH, never a path elsewhere.
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
        {
            throw new RegistryException($"invalid credential helper name \"{name}\" in docker config");
        }

        return new CredentialHelper("docker-credential-" + name);
    }

    public async Task<RegistryCredential?> GetAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync("get", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            if (output.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            throw new RegistryException($"{Program} get failed (exit {exitCode}): {output.Trim()}");
        }

        HelperCredential? answer;
        try
        {
            answer = JsonSerializer.Deserialize(output, RegistryJsonContext.Default.HelperCredential);
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{Program} get printed something that is not a credential: {e.Message}", e);
        }

        if (answer is null || string.IsNullOrEmpty(answer.Secret))
        {
            return null;
        }

        return answer.Username == "<token>"
            ? new RegistryCredential(string.Empty, string.Empty) { IdentityToken = answer.Secret }
            : new RegistryCredential(answer.Username ?? string.Empty, answer.Secret);
    }

    public async Task StoreAsync(string serverUrl, RegistryCredential credential, CancellationToken cancellationToken)
    {
        var payload = credential.IdentityToken is { } token
            ? new HelperCredential(serverUrl, "<token>", token)
            : new HelperCredential(serverUrl, credential.Username, credential.Password);
        var json = JsonSerializer.Serialize(payload, RegistryJsonContext.Default.HelperCredential);
        var (exitCode, output) = await RunAsync("store", json, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new RegistryException($"{Program} store failed (exit {exitCode}): {output.Trim()}");
        }
    }

    public async Task EraseAsync(string serverUrl, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync("erase", serverUrl, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0 && !output.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException($"{Program} erase failed (exit {exitCode}): {output.Trim()}");
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string verb, string input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(verb);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RegistryException($"could not start {Program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RegistryException($"credential helper {Program} is not installed or not on PATH: {e.Message}", e);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
                process.StandardInput.Close();
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                var output = await stdout.ConfigureAwait(false);
                var errors = await stderr.ConfigureAwait(false);
                return (process.ExitCode, output.Length > 0 ? output : errors);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new RegistryException($"{Program} {verb} did not finish within {Timeout.TotalSeconds} s");
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }
}
