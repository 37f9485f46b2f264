using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Kiln.Registry.Transport;

/// <summary>Which failures are worth another try, and how long to wait before it.</summary>
internal static class RetryPolicy
{
    public static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout;

    /// <summary>Connection resets and refusals are transient; a certificate the user does not trust is not.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        AuthenticationException => false,
        HttpRequestException { InnerException: AuthenticationException } => false,
        HttpRequestException => true,
        IOException => true,
        SocketException => true,
        _ => false,
    };

    /// <summary>Exponential backoff with jitter, or the server's Retry-After (seconds or a date) when it gives one.</summary>
    public static TimeSpan Delay(int attempt, RegistryOptions options, HttpResponseMessage? response, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : TimeSpan.Zero);
            if (wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }

            if (wait > options.MaxRetryAfter)
            {
                throw new RegistryException($"the registry asked to retry after {wait.TotalSeconds:F0} s, longer than the {options.MaxRetryAfter.TotalSeconds:F0} s Kiln waits");
            }

            return wait;
        }

        var exponent = Math.Min(attempt - 1, 16);
        var backoff = options.InitialBackoff * Math.Pow(2, exponent);
        if (backoff > options.MaxBackoff)
        {
            backoff = options.MaxBackoff;
        }

        // Jitter keeps parallel layer downloads from retrying in lock-step against a struggling registry.
        return backoff * (0.75 + (Random.Shared.NextDouble() * 0.5));
    }
}
