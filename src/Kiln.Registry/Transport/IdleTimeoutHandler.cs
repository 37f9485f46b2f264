using System.Globalization;

namespace Kiln.Registry.Transport;

/// <summary>
/// Puts an idle timeout on every read and write of an HTTP exchange: connecting and sending may not be silent for
/// longer than <paramref name="idle"/>, each write of a request body must be taken within it, and each read of the
/// response body must return within it. A transfer that keeps moving may take as long as it needs; one that stops
/// fails with a <see cref="NetworkStalledException"/> (as Go's transports bound a dial, a TLS handshake and the wait
/// for headers, and docker's keepalive a dead peer). Once a request body is all written, the answer may take
/// <see cref="AnswerFactor"/> times as long: the last megabytes may still sit in socket buffers, and a registry
/// checks the digest of a whole blob and moves it into place before it answers.
/// </summary>
public sealed class IdleTimeoutHandler(TimeSpan idle) : DelegatingHandler
{
    public const int AnswerFactor = 10;

    internal static string Stalled(string what, TimeSpan idle) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} stalled: no data moved for {idle.TotalSeconds:0.###} s");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var what = $"{request.Method} {request.RequestUri}";
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watch.CancelAfter(idle);
        if (request.Content is { } content)
        {
            request.Content = new ProgressContent(content, () => Restart(watch, idle), () => Restart(watch, idle * AnswerFactor));
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, watch.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException
                                  && watch.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new NetworkStalledException(Stalled(what, idle), e);
        }

        response.Content = new IdleTimeoutContent(response.Content, idle, what);
        return response;
    }

    private static void Restart(CancellationTokenSource watch, TimeSpan idle)
    {
        try
        {
            watch.CancelAfter(idle);
        }
        catch (ObjectDisposedException)
        {
            // A server may answer before it has read the whole body; the exchange's watch is over then.
        }
    }
}
