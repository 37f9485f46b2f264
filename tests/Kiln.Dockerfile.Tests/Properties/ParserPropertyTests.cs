using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Properties;

/// <summary>
/// Robustness property: corpus Dockerfiles, mutated the ways that break parsers (cut ranges, stray quotes and
/// escapes, <c>${</c>, heredoc markers without end, NUL, brackets, 100 kB lines, random Unicode including lone
/// surrogates, CR), must parse without throwing, dump without throwing, and do so within a per-input time limit.
/// </summary>
public sealed class ParserPropertyTests
{
    private const int Runs = 10_000;
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    private static readonly string[] Snippets =
    [
        "'", "\"", "\\", "`", "${", "}", "${a:-", "<<", "<<EOF", "<<EOF\n", "<<-EOF\n", "3<<'X'", "\0", "[", "]",
        "[\"a\", [", "[\"a\", 1e999]", "\"\\u", "\r", "\n", "\r\n", "\\\n", "`\n", "\n\n", "\\\n\n", "#", "# escape=`\n",
        "# escape=\\\n", "# syntax=x\n", "ONBUILD ", "RUN <<EOF ", "COPY <<A <<B ", "ENV ", "LABEL ", "ARG ", "HEALTHCHECK ",
        "--", "--flag=\"", "\uFEFF", "\u00a0", "\u0085", "\u2028", "\t", " ", "é", "😀",
    ];

    private readonly record struct Mutation(int Kind, int Position, int Length, int Pick);

    [Fact]
    public void Parse_and_dump_never_throw_or_hang_on_mutated_corpus_files()
    {
        var files = ParserCorpusFiles.Dockerfiles;
        var mutation =
            from kind in Gen.Choose(0, 6)
            from position in Gen.Choose(0, 1_000_000)
            from length in Gen.Choose(0, 200)
            from pick in Gen.Choose(0, int.MaxValue - 1)
            select new Mutation(kind, position, length, pick);
        var inputs =
            from file in Gen.Elements(files)
            from count in Gen.Choose(1, 6)
            from mutations in Gen.ArrayOf(mutation, count)
            select Apply(file, mutations);

        var checkedInputs = 0;
        var property = Prop.ForAll(inputs.ToArbitrary(), (string input) =>
        {
            Interlocked.Increment(ref checkedInputs);
            return ParsesInTime(input);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), property);
        Assert.Equal(Runs, checkedInputs);
    }

    [Fact]
    public void Mutations_really_produce_hostile_inputs()
    {
        var sample = Apply("FROM a\nRUN b\n", [new Mutation(2, 500_000, 0, 0), new Mutation(3, 0, 0, 0xD800)]);

        Assert.Contains("\uD800", sample, StringComparison.Ordinal);
        Assert.True(sample.Length > 100_000);
    }

    private static bool ParsesInTime(string input)
    {
        var work = Task.Run(() =>
        {
            var syntax = DockerfileParser.Parse(input);
            _ = AstDump.Dump(syntax);
            return syntax;
        });
        if (!work.Wait(PerInputLimit))
        {
            throw new TimeoutException($"parsing took more than {PerInputLimit.TotalSeconds} s for input of length {input.Length}");
        }

        var result = work.Result;
        var lineCount = input.Count(c => c == '\n') + 1;
        return result.Instructions.All(i => i.Span.StartLine >= 1 && i.Span.StartLine <= i.Span.EndLine && i.Span.EndLine <= lineCount)
            && result.Diagnostics.All(d => d.Code.StartsWith("DF1", StringComparison.Ordinal));
    }

    private static string Apply(string text, Mutation[] mutations)
    {
        var sb = new StringBuilder(text);
        foreach (var m in mutations)
        {
            var at = (int)((long)m.Position * sb.Length / 1_000_001);
            switch (m.Kind)
            {
                case 0:
                    sb.Remove(at, Math.Min(m.Length, sb.Length - at));
                    break;
                case 1:
                case 6:
                    sb.Insert(at, Snippets[m.Pick % Snippets.Length]);
                    break;
                case 2:
                    sb.Insert(at, new string((char)('a' + (m.Pick % 26)), 100_000 + (m.Length % 2)) + (m.Pick % 2 == 0 ? "\n" : string.Empty));
                    break;
                case 3:
                    var codePoint = m.Pick % 0x110000;
                    sb.Insert(at, codePoint is >= 0xD800 and <= 0xDFFF ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint));
                    break;
                case 4:
                    var newline = sb.ToString().IndexOf('\n', at);
                    if (newline >= 0)
                    {
                        sb.Insert(newline, m.Pick % 2 == 0 ? "\r" : "\\");
                    }

                    break;
                default:
                    var length = Math.Min(m.Length, sb.Length - at);
                    sb.Insert(at, sb.ToString(at, length));
                    break;
            }
        }

        return sb.ToString();
    }
}
