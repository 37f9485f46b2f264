using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Expansion;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// The state of one <see cref="Instruction.Expand"/> call: expands words (BuildKit's single-word
/// expander is <c>ProcessWord</c>; EXPOSE alone uses <c>ProcessWords</c>), collects the diagnostics
/// and the variable names that were found or not found.
/// </summary>
internal sealed class ExpansionScope(ShellWordExpander expander, IReadOnlyDictionary<string, string> environment, Instruction instruction)
{
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unmatched = new(StringComparer.Ordinal);

    public SourceSpan Span => instruction.Span;

    public bool HasErrors => _diagnostics.Any(d => d.IsError);

    public List<Diagnostic> Diagnostics => _diagnostics;

    /// <summary>Expands and unquotes one word; null (with a diagnostic) when expansion fails.</summary>
    public string? Word(string word)
    {
        var result = expander.ExpandWord(word, environment);
        _matched.UnionWith(result.Matched);
        _unmatched.UnionWith(result.Unmatched);
        if (!result.Succeeded)
        {
            AddExpansionError(word, result.Error);
            return null;
        }

        return result.Value ?? "";
    }

    /// <summary>Expands a word and splits it into words; null (with a diagnostic) when expansion fails.</summary>
    public ImmutableArray<string>? Words(string word)
    {
        var result = expander.ExpandWords(word, environment);
        _matched.UnionWith(result.Matched);
        _unmatched.UnionWith(result.Unmatched);
        if (!result.Succeeded)
        {
            AddExpansionError(word, result.Error);
            return null;
        }

        return result.Values.IsDefault ? [] : result.Values;
    }

    /// <summary>
    /// Expands a COPY/ADD heredoc body the way BuildKit's <c>ExpandRaw</c> does: a fresh lexer with the
    /// <c>\</c> escape (whatever the escape directive says) and <c>SkipProcessQuotes</c>, so variables and
    /// escapes are processed but quotes are ordinary characters.
    /// </summary>
    public string? RawWord(string text)
    {
        var result = expander.ForRawBodies().ExpandWord(text, environment);
        _matched.UnionWith(result.Matched);
        _unmatched.UnionWith(result.Unmatched);
        if (!result.Succeeded)
        {
            AddExpansionError(text, result.Error);
            return null;
        }

        return result.Value ?? "";
    }

    /// <summary>Expands an optional word: null stays null.</summary>
    public string? Optional(string? word) => word is null ? null : Word(word);

    public ImmutableArray<string> All(ImmutableArray<string> words)
    {
        var builder = ImmutableArray.CreateBuilder<string>(words.Length);
        foreach (var word in words)
        {
            builder.Add(Word(word) ?? word);
        }

        return builder.MoveToImmutable();
    }

    /// <summary>
    /// Validates an expanded <c>--chmod</c> value (COPY and ADD): the parsed mode, or <paramref name="unexpanded"/>
    /// (with an error recorded) when the value is not a valid mode.
    /// </summary>
    /// <summary>
    /// The fields COPY and ADD expand alike: every source, heredoc bodies whose delimiter was not quoted, the
    /// destination, <c>--chown</c> and <c>--chmod</c> (then validated).
    /// </summary>
    public (ImmutableArray<string> Sources, ImmutableArray<HeredocSource> Contents, string Destination, string? Chown, string? ChmodText, Chmod? Chmod) FileFields(IFileInstruction instruction)
    {
        // In the order of the instruction's words, so diagnostics come out in that order.
        var sources = All(instruction.Sources);
        ImmutableArray<HeredocSource> contents = [.. instruction.SourceContents.Select(c => c.Expand ? c with { Data = RawWord(c.Data) ?? c.Data } : c)];
        var destination = Word(instruction.Destination) ?? instruction.Destination;
        var chown = Optional(instruction.Chown);
        var chmodText = Optional(instruction.ChmodText);
        return (sources, contents, destination, chown, chmodText, Chmod(chmodText, instruction.Chmod));
    }

    public Chmod? Chmod(string? expandedText, Chmod? unexpanded)
    {
        if (expandedText is not { Length: > 0 })
        {
            return unexpanded;
        }

        if (ChmodParser.TryParse(expandedText, out var parsed, out var error))
        {
            return parsed;
        }

        Error(DiagnosticCodes.InvalidChmod, error!);
        return unexpanded;
    }

    public void Error(string code, string message) => _diagnostics.Add(Diagnostic.Error(code, message, Span));

    public void Warning(string code, string message) => _diagnostics.Add(Diagnostic.Warning(code, message, Span));

    /// <summary>The result: the expanded copy when there was no error, else the instruction unchanged.</summary>
    public InstructionExpansion Result(Instruction expanded) =>
        new(HasErrors ? instruction : expanded, [.. _diagnostics], [.. _matched], [.. _unmatched]);

    private void AddExpansionError(string word, string? error) =>
        Error(DiagnosticCodes.ExpansionFailed, $"{instruction.Keyword.ToUpperInvariant()}: failed to expand '{Excerpt.Cut(word)}': {error}");
}
