using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>ParseDevice</c> for <c>RUN --device</c>: CSV of a bare name (or <c>name=</c>) and an
/// optional <c>required[=bool]</c>. Never expanded.
/// </summary>
internal static class DeviceParser
{
    public static RunDevice? Parse(string spec, SourceSpan span, List<Diagnostic> diagnostics)
    {
        if (!CsvFields.TrySplit(spec, out var fields, out var csvError))
        {
            return Fail($"failed to parse csv devices: {csvError} in '{spec}'");
        }

        var name = "";
        var required = false;
        foreach (var field in fields)
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = (equals >= 0 ? field[..equals] : field).ToLowerInvariant();
            if (equals < 0)
            {
                if (key == "required")
                {
                    required = true;
                }
                else if (name.Length == 0)
                {
                    name = field;
                }
                else
                {
                    return Fail($"invalid field '{field}' must be a key=value pair");
                }

                continue;
            }

            var value = field[(equals + 1)..];
            switch (key)
            {
                case "name":
                    if (name.Length > 0)
                    {
                        return Fail($"device name already set to {name}");
                    }

                    name = value;
                    break;
                case "required":
                    if (!MountParser.TryParseGoBool(value, out required))
                    {
                        return Fail($"invalid value for {key}: {value} (expected true or false)");
                    }

                    break;
                default:
                    if (name.Length == 0)
                    {
                        // A CDI name such as vendor.com/class=all contains '='; BuildKit takes the whole field.
                        name = field;
                        break;
                    }

                    return Fail(SpellingSuggester.WithSuggestion($"unexpected key '{key}' in '{field}'", key, ["name", "required"]));
            }
        }

        return new RunDevice(name, required);

        RunDevice? Fail(string message)
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.InvalidDevice, message, span));
            return null;
        }
    }
}
