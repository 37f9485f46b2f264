using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Kiln.Registry;

/// <summary>Reading what a registry answered, without trusting its size or shape.</summary>
internal static class RegistryResponses
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// The registry's own words for a failure: <c>{"errors":[{"code":..,"message":..}]}</c> (distribution spec,
    /// "Error Codes"); other bodies (token servers, proxies) are quoted briefly instead.
    /// </summary>
    public static async Task<RegistryException> ToExceptionAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> body = ReadOnlyMemory<byte>.Empty;
        try
        {
            body = await ReadLimitedAsync(response.Content, MaxErrorBodyBytes, "error body", cancellationToken, truncate: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or RegistryException)
        {
            // The status line alone still makes a useful message.
        }

        var errors = ImmutableArray<RegistryError>.Empty;
        if (!body.IsEmpty)
        {
            try
            {
                errors = JsonSerializer.Deserialize(body.Span, RegistryJsonContext.Default.RegistryErrorBody)?.Errors ?? [];
            }
            catch (JsonException)
            {
                // Not the distribution error format.
            }
        }

        var message = new StringBuilder();
        message.Append(what).Append(": ").Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase ?? response.StatusCode.ToString());
        if (!errors.IsEmpty)
        {
            message.Append(": ").AppendJoin("; ", errors.Select(e => e.Message is { Length: > 0 } m ? $"{e.Code}: {m}" : e.Code));
        }
        else if (!body.IsEmpty)
        {
            var text = Encoding.UTF8.GetString(body.Span).Trim();
            if (text.Length > 200)
            {
                text = text[..200] + "...";
            }

            if (text.Length > 0)
            {
                message.Append(": ").Append(text);
            }
        }

        return new RegistryException(message.ToString(), response.StatusCode, errors);
    }

    /// <summary>Reads a small body (manifest, token, error) with a hard cap, so a hostile server cannot exhaust memory.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpContent content, int limit, string what, CancellationToken cancellationToken, bool truncate = false)
    {
        if (!truncate && content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new RegistryException($"{what} of {declared} bytes exceeds the {limit} byte limit");
        }

        try
        {
            return await ReadAsync(content, limit, what, truncate, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{what}: {NetworkStalledException.MessageOf(e)}", e);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContent content, int limit, string what, bool truncate, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>(Math.Min(limit, 16 * 1024));
            while (true)
            {
                var memory = buffer.GetMemory(8192);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    if (truncate)
                    {
                        return buffer.WrittenMemory[..limit];
                    }

                    throw new RegistryException($"{what} exceeds the {limit} byte limit");
                }
            }

            return buffer.WrittenMemory;
        }
    }
}
