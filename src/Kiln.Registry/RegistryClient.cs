using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using Kiln.Registry.Auth;
using Kiln.Registry.Credentials;
using Kiln.Registry.Transport;

namespace Kiln.Registry;

/// <summary>
/// A client for one registry host speaking the OCI distribution API
/// (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md): manifests, blobs, uploads and mounts,
/// with authentication, retries and https or http chosen per <see cref="RegistryOptions"/>.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private readonly HttpClient http;
    private readonly RegistryAuthenticator authenticator;
    private readonly TimeProvider time;
    private readonly Lock baseLock = new();
    private Task<Uri>? baseUri;

    public RegistryClient(string registry, RegistryOptions? options = null, ICredentialSource? credentials = null)
        : this(RegistryEndpoint.Resolve(registry, options ?? new RegistryOptions()), options ?? new RegistryOptions(), credentials ?? StaticCredentialSource.Anonymous)
    {
    }

    public RegistryClient(RegistryEndpoint endpoint, RegistryOptions options, ICredentialSource credentials)
        : this(endpoint, options, credentials, null, TimeProvider.System)
    {
    }

    internal RegistryClient(RegistryEndpoint endpoint, RegistryOptions options, ICredentialSource credentials, HttpMessageHandler? handler, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        Endpoint = endpoint;
        Options = options;
        this.time = time;
        var idle = new IdleTimeoutHandler(options.IdleTimeout) { InnerHandler = handler ?? HttpHandlerFactory.Create(endpoint, options) };
        http = new HttpClient(idle, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        authenticator = new RegistryAuthenticator(endpoint, options, credentials, http, time);
    }

    public RegistryEndpoint Endpoint { get; }

    public RegistryOptions Options { get; }

    /// <summary>Token endpoint round trips so far (a cache that works keeps this small).</summary>
    public int TokenRequests => authenticator.TokenRequests;

    public void Dispose()
    {
        http.Dispose();
        authenticator.Dispose();
    }

    /// <summary>
    /// <c>GET /v2/</c> with credentials: succeeds when the registry speaks the API and accepts us (anonymously if
    /// that is allowed). <c>kiln login</c> uses it to check a password before storing it.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var root = await GetBaseUriAsync(cancellationToken).ConfigureAwait(false);
        var request = new RegistryRequest(HttpMethod.Get, new Uri(root, "/v2/"), []) { Idempotent = true };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "ping", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>https://host or http://host, decided once per client by the first request.</summary>
    internal Task<Uri> GetBaseUriAsync(CancellationToken cancellationToken)
    {
        lock (baseLock)
        {
            if (baseUri is null || baseUri.IsFaulted || baseUri.IsCanceled)
            {
                baseUri = ProbeBaseUriAsync(cancellationToken);
            }

            return baseUri;
        }
    }

    private async Task<Uri> ProbeBaseUriAsync(CancellationToken cancellationToken)
    {
        var https = new Uri($"https://{Endpoint.ApiHost}/");
        if (!Endpoint.IsInsecure)
        {
            return https;
        }

        // Like docker for insecure and loopback registries: https when it answers, else plain http.
        var http = new Uri($"http://{Endpoint.ApiHost}/");
        try
        {
            using var probe = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(https, "/v2/")), cancellationToken).ConfigureAwait(false);
            authenticator.Observe(probe);
            return https;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or RegistryException && !cancellationToken.IsCancellationRequested)
        {
            return http;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{request.RequestUri} did not answer", e);
            }
        }
    }

    internal async Task<Uri> UriAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        new(await GetBaseUriAsync(cancellationToken).ConfigureAwait(false), pathAndQuery);

    /// <summary>
    /// Sends a request with auth and retries: a 401 is answered once from its challenge; 5xx, 429, resets and
    /// timeouts are retried with backoff when the request is idempotent. Non-success answers are returned to the caller.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(RegistryRequest spec, CancellationToken cancellationToken)
    {
        // One 401 may teach the challenge, a second may reject a token fetched in the meantime; a third is final.
        var authAnswers = 0;
        for (var attempt = 1; ; attempt++)
        {
            var authorization = await authenticator.GetAuthorizationAsync(spec.Scopes, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            using (var request = BuildRequest(spec, authorization))
            {
                try
                {
                    // No deadline on the whole exchange: the idle timeout on every read and write bounds a silent
                    // peer, and a large upload or download that keeps moving may take as long as it needs.
                    response = await http.SendAsync(
                        request,
                        spec.Stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsRetryableFailure(e, spec, attempt, cancellationToken))
                {
                    await Task.Delay(RetryPolicy.Delay(attempt, Options, null, time), time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    throw new RegistryException($"cannot reach registry {Endpoint.Name} ({spec.Method} {spec.Uri.AbsolutePath}): {NetworkStalledException.MessageOf(e)}", e);
                }
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && authAnswers < 2 && spec.Replayable)
            {
                authAnswers++;
                if (await authenticator.HandleUnauthorizedAsync(response, spec.Scopes, authorization, cancellationToken).ConfigureAwait(false))
                {
                    response.Dispose();
                    attempt--;
                    continue;
                }
            }

            if (spec.Idempotent && RetryPolicy.IsRetryableStatus(response.StatusCode) && attempt < Options.MaxAttempts)
            {
                var delay = RetryPolicy.Delay(attempt, Options, response, time);
                response.Dispose();
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    private bool IsRetryableFailure(Exception e, RegistryRequest spec, int attempt, CancellationToken cancellationToken) =>
        spec.Idempotent && attempt < Options.MaxAttempts && !cancellationToken.IsCancellationRequested
        && RetryPolicy.IsTransient(e);

    private static HttpRequestMessage BuildRequest(RegistryRequest spec, AuthenticationHeaderValue? authorization)
    {
        var request = new HttpRequestMessage(spec.Method, spec.Uri);
        request.Headers.Authorization = authorization;
        foreach (var accept in spec.Accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        if (spec.RangeFrom is { } from)
        {
            request.Headers.Range = new RangeHeaderValue(from, null);
        }

        if (spec.Content is { } content)
        {
            request.Content = content();
        }

        return request;
    }

    internal async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryResponses.ToExceptionAsync(response, $"{what} at {Endpoint.Name}", cancellationToken).ConfigureAwait(false);
        }
    }

    internal static ImmutableArray<string> PullScope(string repository) => [$"repository:{repository}:pull"];

    internal static ImmutableArray<string> PushScope(string repository) => [$"repository:{repository}:pull,push"];
}
