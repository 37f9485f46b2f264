using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>BFlags</c>: each instruction declares the flags it accepts, then the words are parsed.
/// Rules: names are case-sensitive; <c>--name=value</c>; a boolean also takes bare <c>--name</c> and
/// <c>true</c>/<c>false</c> in any case; a string needs <c>=</c> (an empty value is allowed); only
/// repeated-string flags may appear twice; a bare <c>--</c> ends the flags.
/// </summary>
internal sealed class InstructionFlags(IReadOnlyList<string> words)
{
    private readonly Dictionary<string, InstructionFlag> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _used = [];

    /// <summary>The names of the flags given, in order of first use.</summary>
    public IReadOnlyList<string> Used => _used;

    public bool HasAny => words.Count > 0;

    public InstructionFlag AddBool(string name) => Add(name, FlagKind.Bool, "false");

    public InstructionFlag AddString(string name, string defaultValue = "") => Add(name, FlagKind.String, defaultValue);

    public InstructionFlag AddStrings(string name) => Add(name, FlagKind.Strings, "");

    /// <summary>Parses the flag words; the first problem becomes the returned diagnostic (BuildKit stops there too).</summary>
    public Diagnostic? Parse(SourceSpan span)
    {
        foreach (var word in words)
        {
            if (!word.StartsWith("--", StringComparison.Ordinal))
            {
                return Diagnostic.Error(DiagnosticCodes.MalformedFlag, $"flag should start with -- : {word}", span);
            }

            if (word.Length == 2)
            {
                return null;
            }

            var body = word[2..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals >= 0 ? body[..equals] : body;
            var value = equals >= 0 ? body[(equals + 1)..] : "";

            if (!_flags.TryGetValue(name, out var flag))
            {
                var message = SpellingSuggester.WithSuggestion($"unknown flag: --{name}", name, _flags.Keys, caseSensitive: true, prefix: "--");
                return Diagnostic.Error(DiagnosticCodes.UnknownFlag, message, span);
            }

            if (flag.IsUsed && flag.Kind != FlagKind.Strings)
            {
                return Diagnostic.Error(DiagnosticCodes.DuplicateFlag, $"duplicate flag specified: --{name}", span);
            }

            if (!flag.IsUsed)
            {
                _used.Add(name);
            }

            flag.IsUsed = true;
            switch (flag.Kind)
            {
                case FlagKind.Bool:
                    if (equals >= 0 && value.Length == 0)
                    {
                        return Diagnostic.Error(DiagnosticCodes.FlagMissingValue, $"missing a value on flag: --{name}", span);
                    }

                    var lower = value.ToLowerInvariant();
                    if (lower.Length == 0)
                    {
                        flag.Value = "true";
                    }
                    else if (lower is "true" or "false")
                    {
                        flag.Value = lower;
                    }
                    else
                    {
                        return Diagnostic.Error(DiagnosticCodes.FlagExpectsBoolean, $"expecting boolean value for flag --{name}, not: {value}", span);
                    }

                    break;
                case FlagKind.String:
                case FlagKind.Strings:
                    if (equals < 0)
                    {
                        return Diagnostic.Error(DiagnosticCodes.FlagMissingValue, $"missing a value on flag: --{name} (write --{name}=<value>)", span);
                    }

                    flag.Value = value;
                    flag.Values.Add(value);
                    break;
                default:
                    throw new InvalidOperationException($"unhandled flag kind {flag.Kind}");
            }
        }

        return null;
    }

    private InstructionFlag Add(string name, FlagKind kind, string defaultValue)
    {
        var flag = new InstructionFlag(name, kind, defaultValue);
        _flags.Add(name, flag);
        return flag;
    }
}
