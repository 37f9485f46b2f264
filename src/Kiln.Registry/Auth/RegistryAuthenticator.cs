using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kiln.Registry.Credentials;
using Kiln.Registry.Transport;

namespace Kiln.Registry.Auth;

/// <summary>
/// Answers a registry's <c>WWW-Authenticate</c> challenges: Basic with the stored credential, or Bearer with a token
/// from the challenge's realm (distribution "Token Authentication Specification"), cached per scope set until it
/// expires or the registry rejects it. The first challenge is remembered, so later requests for other scopes fetch
/// their token before sending rather than after a 401, which matters for upload bodies that cannot be replayed.
/// </summary>
internal sealed class RegistryAuthenticator(
    RegistryEndpoint endpoint,
    RegistryOptions options,
    ICredentialSource credentials,
    HttpClient http,
    TimeProvider time) : IDisposable
{
    private const int MaxTokenResponseBytes = 1 << 20;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, BearerToken> tokens = new(StringComparer.Ordinal);
    private AuthChallenge? challenge;
    private RegistryCredential? credential;
    private bool credentialLoaded;

    /// <summary>Token endpoint requests made so far; tests read it to see caching work.</summary>
    public int TokenRequests { get; private set; }

    public void Dispose() => gate.Dispose();

    /// <summary>The Authorization header for a request needing <paramref name="scopes"/>, or null while no challenge is known.</summary>
    public async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var known = challenge;
        if (known is null)
        {
            return null;
        }

        if (known.IsBasic)
        {
            var basic = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
            return basic is null ? null : BasicHeader(basic);
        }

        if (known.IsBearer)
        {
            var token = await GetTokenAsync(known, scopes, rejected: null, cancellationToken).ConfigureAwait(false);
            return token is null ? null : new AuthenticationHeaderValue("Bearer", token.Value);
        }

        return null;
    }

    /// <summary>Remembers the challenge of an unauthenticated probe, so the first real request can authenticate up front.</summary>
    public void Observe(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized && challenge is null)
        {
            challenge = PickChallenge(response);
        }
    }

    private static AuthChallenge? PickChallenge(HttpResponseMessage response)
    {
        var parsed = response.Headers.WwwAuthenticate.Select(h => AuthChallenge.Parse(h.Scheme, h.Parameter)).ToList();
        return parsed.FirstOrDefault(c => c.IsBearer) ?? parsed.FirstOrDefault(c => c.IsBasic);
    }

    /// <summary>
    /// Learns from a 401. True when a retry can succeed: a new token was fetched, or credentials exist that the
    /// rejected request did not carry.
    /// </summary>
    public async Task<bool> HandleUnauthorizedAsync(HttpResponseMessage response, IReadOnlyList<string> scopes, AuthenticationHeaderValue? sent, CancellationToken cancellationToken)
    {
        var next = PickChallenge(response);
        if (next is null)
        {
            return false;
        }

        challenge = next;
        if (next.IsBasic)
        {
            return sent is null && await GetCredentialAsync(cancellationToken).ConfigureAwait(false) is not null;
        }

        // A registry may ask for more than the client knew to request (e.g. the source repository of a mount).
        var wanted = scopes.ToList();
        if (next.Get("scope") is { Length: > 0 } extra)
        {
            wanted.AddRange(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        var rejected = sent is { Scheme: "Bearer" } ? sent.Parameter : null;
        var token = await GetTokenAsync(next, wanted, rejected, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return false;
        }

        if (wanted.Count != scopes.Count)
        {
            // Later requests for the original scopes should reuse the wider token rather than fail again.
            lock (tokens)
            {
                tokens[ScopeKey(scopes)] = token;
            }
        }

        return sent is null || !string.Equals(sent.Parameter, token.Value, StringComparison.Ordinal);
    }

    private async ValueTask<RegistryCredential?> GetCredentialAsync(CancellationToken cancellationToken)
    {
        if (!credentialLoaded)
        {
            credential = await credentials.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
            credentialLoaded = true;
        }

        return credential;
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));

    private static string ScopeKey(IEnumerable<string> scopes) => string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>A cached token unless it is stale or is the one the registry just rejected.</summary>
    private async Task<BearerToken?> GetTokenAsync(AuthChallenge bearer, IReadOnlyList<string> scopes, string? rejected, CancellationToken cancellationToken)
    {
        var key = ScopeKey(scopes);
        if (TryGetCached(key, rejected) is { } quick)
        {
            return quick;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Parallel requests that all met the same 401 need only one new token.
            if (TryGetCached(key, rejected) is { } cached)
            {
                return cached;
            }

            var token = await FetchTokenAsync(bearer, scopes, cancellationToken).ConfigureAwait(false);
            lock (tokens)
            {
                tokens[key] = token;
            }

            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    private BearerToken? TryGetCached(string key, string? rejected)
    {
        lock (tokens)
        {
            return tokens.TryGetValue(key, out var cached) && cached.IsFresh(time) && !string.Equals(cached.Value, rejected, StringComparison.Ordinal)
                ? cached
                : null;
        }
    }

    private async Task<BearerToken> FetchTokenAsync(AuthChallenge bearer, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var realm = bearer.Get("realm");
        if (string.IsNullOrEmpty(realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("https" or "http"))
        {
            throw new RegistryException($"registry {endpoint.Name} sent a Bearer challenge without a usable realm (\"{realm}\")");
        }

        var user = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (user is not null && realmUri.Scheme == "http" && !endpoint.IsInsecure)
        {
            // A secure registry must not be able to send our password to a clear-text token endpoint.
            throw new RegistryException($"registry {endpoint.Name} points its token realm at {realmUri} over plain http; refusing to send credentials there");
        }

        var service = bearer.Get("service");
        var distinct = scopes.Distinct(StringComparer.Ordinal).ToList();
        HttpResponseMessage? response = null;
        try
        {
            if (user?.IdentityToken is { } refreshToken)
            {
                response = await PostRefreshTokenAsync(realmUri, service, distinct, refreshToken, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
                {
                    // Token servers without the OAuth2 endpoint take the identity token as a password on GET.
                    response.Dispose();
                    response = null;
                }
            }

            response ??= await GetTokenResponseAsync(realmUri, service, distinct, user, cancellationToken).ConfigureAwait(false);
            TokenRequests++;
            if (!response.IsSuccessStatusCode)
            {
                throw await RegistryResponses.ToExceptionAsync(
                    response, $"token request to {realmUri.GetLeftPart(UriPartial.Path)} for {endpoint.Name}", cancellationToken).ConfigureAwait(false);
            }

            var body = await RegistryResponses.ReadLimitedAsync(response.Content, MaxTokenResponseBytes, "token response", cancellationToken).ConfigureAwait(false);
            TokenResponse? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(body.Span, RegistryJsonContext.Default.TokenResponse);
            }
            catch (JsonException e)
            {
                throw new RegistryException($"token endpoint {realmUri.GetLeftPart(UriPartial.Path)} answered with invalid JSON: {e.Message}", e);
            }

            var value = parsed?.Token is { Length: > 0 } t ? t : parsed?.AccessToken;
            if (string.IsNullOrEmpty(value))
            {
                throw new RegistryException($"token endpoint {realmUri.GetLeftPart(UriPartial.Path)} answered without a token");
            }

            // The spec's default lifetime is 60 s; refresh a little early so a token does not expire in flight.
            var lifetime = TimeSpan.FromSeconds(parsed!.ExpiresIn is > 0 and var seconds ? seconds : 60);
            var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, lifetime.Ticks / 4));
            return new BearerToken(value, time.GetUtcNow() + lifetime - margin);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private async Task<HttpResponseMessage> GetTokenResponseAsync(Uri realm, string? service, List<string> scopes, RegistryCredential? user, CancellationToken cancellationToken)
    {
        var query = new StringBuilder();
        if (!string.IsNullOrEmpty(service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        foreach (var scope in scopes)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        var builder = new UriBuilder(realm);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length > 0 && query.Length > 0 ? existing + "&" + query : existing + query;
        var uri = builder.Uri;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (user is not null)
            {
                request.Headers.Authorization = user.IdentityToken is { } token
                    ? BasicHeader(new RegistryCredential(user.Username, token))
                    : BasicHeader(user);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (RetryPolicy.IsTransient(e) && attempt < options.MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RetryPolicy.Delay(attempt, options, null, time), time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (RetryPolicy.IsTransient(e) || e is HttpRequestException)
            {
                throw new RegistryException($"cannot reach token endpoint {realm.GetLeftPart(UriPartial.Path)}: {NetworkStalledException.MessageOf(e)}", e);
            }

            if (RetryPolicy.IsRetryableStatus(response.StatusCode) && attempt < options.MaxAttempts)
            {
                var delay = RetryPolicy.Delay(attempt, options, response, time);
                response.Dispose();
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> PostRefreshTokenAsync(Uri realm, string? service, List<string> scopes, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", "kiln"),
            new("service", service ?? string.Empty),
        };
        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new RegistryException($"cannot reach token endpoint {realm.GetLeftPart(UriPartial.Path)}: {NetworkStalledException.MessageOf(e)}", e);
        }
    }
}
