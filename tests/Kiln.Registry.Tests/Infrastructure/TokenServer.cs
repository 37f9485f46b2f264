using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>
/// A token endpoint for docker-registry's <c>auth.token</c> mode (distribution "Token Authentication
/// Specification"): ES256 JWTs whose <c>x5c</c> header carries the signing certificate, which the registry trusts
/// through its <c>rootcertbundle</c>. Users: <c>alice</c> may push and pull anything; anonymous callers may pull.
/// </summary>
internal sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "kiln-test-registry";
    public const string Issuer = "kiln-test-issuer";
    public const string User = "alice";
    public const string Password = "wonderland";

    private readonly HttpListener listener = new();
    private readonly X509Certificate2 certificate;
    private readonly ECDsa key;
    private readonly Task loop;
    private int requests;
    private int staleTokens;

    private TokenServer(X509Certificate2 certificate, ECDsa key, int port)
    {
        this.certificate = certificate;
        this.key = key;
        Port = port;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Realm => $"http://127.0.0.1:{Port}/token";

    public int Requests => Volatile.Read(ref requests);

    /// <summary>Lifetime told to the client in <c>expires_in</c>.</summary>
    public int ExpiresIn { get; set; } = 300;

    public ConcurrentQueue<string> ScopesSeen { get; } = new();

    /// <summary>The next N tokens are already expired for the registry while the client is told they last.</summary>
    public void IssueStaleTokens(int count) => Volatile.Write(ref staleTokens, count);

    public static TokenServer Start(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var key = certificate.GetECDsaPrivateKey()!;
        return new TokenServer(certificate, key, Tools.FreePort());
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed HttpListener looks its endpoint up again on Close and, when the port was already released
            // and another test process bound it meanwhile, fails with "Address already in use". Nothing is left open.
        }

        try
        {
            await loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop this way.
        }

        key.Dispose();
        certificate.Dispose();
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Handle(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        Interlocked.Increment(ref requests);
        var request = context.Request;
        string? subject = null;
        if (request.Headers["Authorization"] is { } authorization && authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]));
            if (decoded != $"{User}:{Password}")
            {
                context.Response.StatusCode = 401;
                Write(context, """{"details":"incorrect username or password"}""");
                return;
            }

            subject = User;
        }

        if (request.QueryString["service"] != Service)
        {
            context.Response.StatusCode = 400;
            Write(context, """{"details":"unknown service"}""");
            return;
        }

        var scopes = request.QueryString.GetValues("scope") ?? [];
        foreach (var scope in scopes)
        {
            ScopesSeen.Enqueue(scope);
        }

        var stale = Interlocked.Decrement(ref staleTokens) >= 0;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Sign(subject, scopes, stale ? now - 600 : now + 600, now);
        Write(context, $$"""{"token":"{{token}}","access_token":"{{token}}","expires_in":{{ExpiresIn}}}""");
    }

    private static void Write(HttpListenerContext context, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
    }

    private string Sign(string? subject, string[] scopes, long expires, long now)
    {
        using var header = new MemoryStream();
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("typ", "JWT");
            writer.WriteString("alg", "ES256");
            writer.WriteStartArray("x5c");
            writer.WriteStringValue(Convert.ToBase64String(certificate.RawData));
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var claims = new MemoryStream();
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", Issuer);
            writer.WriteString("sub", subject ?? string.Empty);
            writer.WriteString("aud", Service);
            writer.WriteNumber("exp", expires);
            writer.WriteNumber("nbf", now - 10);
            writer.WriteNumber("iat", now);
            writer.WriteString("jti", Guid.NewGuid().ToString("N"));
            writer.WriteStartArray("access");
            foreach (var scope in scopes)
            {
                var parts = scope.Split(':');
                if (parts.Length != 3 || parts[0] != "repository")
                {
                    continue;
                }

                var granted = parts[2].Split(',').Where(a => a == "pull" || (a == "push" && subject is not null)).ToArray();
                writer.WriteStartObject();
                writer.WriteString("type", "repository");
                writer.WriteString("name", parts[1]);
                writer.WriteStartArray("actions");
                foreach (var action in granted)
                {
                    writer.WriteStringValue(action);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var signingInput = $"{Base64Url(header.ToArray())}.{Base64Url(claims.ToArray())}";

        // JWS ES256 (RFC 7518 section 3.4) is the raw r||s pair, which is .NET's default IEEE P1363 format.
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
