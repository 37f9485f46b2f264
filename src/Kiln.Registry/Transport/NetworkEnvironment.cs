using System.Globalization;

namespace Kiln.Registry.Transport;

/// <summary>
/// The network timeouts a user (or a test that needs seconds, not minutes) can set in the environment; the same for
/// registries and for ADD's downloads.
/// </summary>
public static class NetworkEnvironment
{
    /// <summary>Seconds (a decimal number) a registry or ADD transfer may go without a byte moving before it counts as stalled.</summary>
    public const string IdleTimeoutVariable = "KILN_NETWORK_IDLE_TIMEOUT";

    /// <summary>
    /// What a stalled transfer waits before it is given up (and resumed or retried, within their bounds). Docker's
    /// transport gives a connection 30 s to be made and kept alive; the same here for every read and write.
    /// </summary>
    public static TimeSpan DefaultIdleTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The idle timeout <see cref="IdleTimeoutVariable"/> sets, else <see cref="DefaultIdleTimeout"/>.</summary>
    public static TimeSpan IdleTimeout()
    {
        var text = Environment.GetEnvironmentVariable(IdleTimeoutVariable);
        if (string.IsNullOrEmpty(text))
        {
            return DefaultIdleTimeout;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 86_400)
        {
            throw new InvalidOperationException($"{IdleTimeoutVariable}={text}: expected a number of seconds greater than 0, for example 30 or 0.5");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
