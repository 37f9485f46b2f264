using System.CommandLine;
using System.CommandLine.Parsing;

namespace Kiln.Cli;

/// <summary>
/// A flag the command does not have, said as docker says it (<c>unknown flag: --x</c>) instead of the parser's
/// guess (it takes the flag for the CONTEXT argument and then complains about the real context). A
/// <c>docker build</c> flag Kiln does not have yet is named as such, so nobody takes it for a typo.
/// </summary>
internal static class UnknownFlags
{
    /// <summary><c>docker build</c> / <c>buildx build</c> flags Kiln does not support yet, with a hint where one exists.</summary>
    private static readonly Dictionary<string, string?> DockerBuildFlags = new(StringComparer.Ordinal)
    {
        ["--annotation"] = null, ["--attest"] = null, ["--builder"] = null, ["--cache-from"] = null, ["--cache-to"] = null,
        ["--call"] = null, ["--cgroup-parent"] = null, ["--compress"] = null, ["--disable-content-trust"] = null,
        ["--isolation"] = null, ["--load"] = "images are in the local store already", ["--provenance"] = null,
        ["--sbom"] = null, ["--security-opt"] = null, ["--squash"] = null,
    };

    /// <summary>Writes the error and returns true when a parse failed on a flag the command does not have.</summary>
    public static bool TryReport(ParseResult parse, TextWriter error)
    {
        // Without a parse error only a "--word" is taken for a flag: a single dash may begin a legitimate argument.
        var failed = parse.Errors.Count > 0;
        var tokens = parse.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type != TokenType.Argument || token.Value.Length < 2 || token.Value[0] != '-'
                || (!failed && (token.Value.Length < 3 || token.Value[1] != '-'))
                || IsValueOfPrevious(parse, tokens, i))
            {
                continue;
            }

            var flag = token.Value.Split('=', 2)[0];
            var names = new List<string>();
            for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
            {
                names.Insert(0, result.Command.Name);
            }

            var command = string.Join(' ', names);
            var message = parse.CommandResult.Command.Name == "build" && DockerBuildFlags.TryGetValue(flag, out var hint)
                ? $"{flag} is not supported yet" + (hint is null ? string.Empty : $" ({hint})")
                : $"unknown flag: {flag}";
            error.WriteLine($"ERROR: kiln {command}: {message}");
            error.WriteLine($"See 'kiln {command} --help'.");
            return true;
        }

        return false;
    }

    /// <summary>True when the token is the value of the option just before it (<c>--build-arg -x</c>).</summary>
    private static bool IsValueOfPrevious(ParseResult parse, IReadOnlyList<Token> tokens, int index)
    {
        if (index == 0 || tokens[index - 1].Type != TokenType.Option)
        {
            return false;
        }

        var option = parse.CommandResult.Command.Options.Concat(parse.RootCommandResult.Command.Options)
            .FirstOrDefault(o => o.Name == tokens[index - 1].Value || o.Aliases.Contains(tokens[index - 1].Value));
        // A flag (bool) takes a value only when it is spelled out: --no-cache false.
        return option is not null && option.Arity.MaximumNumberOfValues > 0
            && (option.ValueType != typeof(bool) || bool.TryParse(tokens[index].Value, out _));
    }
}
