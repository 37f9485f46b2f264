using System.Collections.Immutable;
using Kiln.Dockerfile.Syntax;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Tests.Instructions;

/// <summary>Builds <see cref="InstructionSyntax"/> values by hand, shaped as the line parser yields them.</summary>
internal static class Syntax
{
    public static readonly SourceSpan Span = SourceSpan.Lines(3, 3);

    public static InstructionSyntax Of(string keyword, params string[] args) => Make(keyword, args);

    public static InstructionSyntax Make(
        string keyword,
        string[] args,
        string[]? flags = null,
        bool json = false,
        Heredoc[]? heredocs = null,
        string? original = null) =>
        new(
            keyword,
            [.. flags ?? []],
            [.. args.Select(a => new ArgumentSyntax(a))],
            json,
            original ?? $"{keyword} {string.Join(' ', flags ?? [])} {string.Join(' ', args)}".Replace("  ", " ", StringComparison.Ordinal).Trim(),
            [.. heredocs ?? []],
            [],
            Span);

    /// <summary>ENV/LABEL arguments as name,value,"=" triples (or name,value,"" for the legacy form).</summary>
    public static InstructionSyntax Pairs(string keyword, bool legacy, params (string Name, string Value)[] pairs) =>
        Make(keyword, [.. pairs.SelectMany(p => new[] { p.Name, p.Value, legacy ? "" : "=" })]);

    public static InstructionSyntax Onbuild(InstructionSyntax trigger, string original, Heredoc[]? heredocs = null) =>
        new("ONBUILD", [], [new ArgumentSyntax("", trigger)], false, original, [.. heredocs ?? []], [], Span);

    public static ImmutableArray<string> Words(params string[] words) => [.. words];
}
