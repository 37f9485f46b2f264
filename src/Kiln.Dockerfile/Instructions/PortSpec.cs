using System.Globalization;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Validates one expanded EXPOSE word, <c>[ip:][hostport:]port[-end][/proto]</c>, as go-connections'
/// <c>nat.ParsePortSpec</c> (which BuildKit uses) does; only the container port and protocol are kept
/// (EXPOSE cannot publish), one entry per port of a range.
/// </summary>
internal static class PortSpec
{
    public enum Problem
    {
        None,
        Port,
        Protocol,
        Range,
    }

    public static Problem TryParse(string word, List<ExposedPort> ports, out string message)
    {
        message = "";
        var protocol = "tcp";
        var rest = word;
        var slash = word.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = word[(slash + 1)..].ToLowerInvariant();
            rest = word[..slash];
            if (protocol.Length == 0)
            {
                protocol = "tcp";
            }
        }

        if (protocol is not ("tcp" or "udp" or "sctp"))
        {
            message = SpellingSuggester.WithSuggestion($"invalid proto: {word[(slash + 1)..]} (EXPOSE {word})", protocol, ["tcp", "udp", "sctp"]);
            return Problem.Protocol;
        }

        // An IPv6 address is bracketed ([::1]:8080:80); the container port is what follows the last ':' outside brackets.
        var bracket = rest.LastIndexOf(']');
        var colon = rest.LastIndexOf(':');
        var container = colon > bracket ? rest[(colon + 1)..] : bracket >= 0 ? "" : rest;

        if (container.Length == 0)
        {
            message = $"no port specified: {word}<empty>";
            return Problem.Port;
        }

        var dash = container.IndexOf('-', StringComparison.Ordinal);
        var startText = dash >= 0 ? container[..dash] : container;
        var endText = dash >= 0 ? container[(dash + 1)..] : container;
        if (!TryPort(startText, out var start) || !TryPort(endText, out var end))
        {
            message = $"invalid containerPort: {container} (a port is a number from 0 to 65535, optionally a range like 8000-8010, then /tcp, /udp or /sctp)";
            return Problem.Port;
        }

        if (end < start)
        {
            message = $"invalid range specified for container port: {container} (the end is before the start)";
            return Problem.Range;
        }

        for (var port = start; port <= end; port++)
        {
            ports.Add(new ExposedPort(port, protocol));
        }

        return Problem.None;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
