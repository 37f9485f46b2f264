using System.Collections.Immutable;
using System.Net;

namespace Kiln.Registry;

/// <summary>A registry refused or failed a request; the message names the registry, the request and the registry's own error codes.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException()
    {
    }

    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryException(string message, HttpStatusCode? statusCode, ImmutableArray<RegistryError> errors, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    /// <summary>The HTTP status, when the registry answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    public ImmutableArray<RegistryError> Errors { get; } = [];

    /// <summary>True when the registry's error body carries <paramref name="code"/> (e.g. <c>BLOB_UNKNOWN</c>).</summary>
    public bool HasCode(string code) => Errors.Any(e => string.Equals(e.Code, code, StringComparison.Ordinal));
}
