using Kiln.Cli.Rendering;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Cli.Tests;

/// <summary>Hostile input to the command line ends in an error that names the limit (issue 13), never a crash.</summary>
public sealed class InputLimitTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("kiln-cli-limits-").FullName;

    public void Dispose() => Directory.Delete(_context, recursive: true);

    [Fact]
    public void A_dockerfile_that_never_ends_is_refused_at_the_size_limit()
    {
        var check = CliRun.Of("build", "--check", "-f", "/dev/zero", _context);
        var dump = CliRun.Of("debug", "dump-ast", "/dev/zero");

        foreach (var run in new[] { check, dump })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Equal("ERROR: failed to read dockerfile /dev/zero: it is larger than kiln's limit of 16 MiB\n", run.Error);
        }
    }

    [Fact]
    public void An_expansion_bomb_is_an_error_at_its_line()
    {
        // Each ARG is ten copies of the one before: A10 would be 10^11 characters.
        var lines = new List<string> { "FROM scratch", "ARG A0=xxxxxxxxxx" };
        lines.AddRange(Enumerable.Range(1, 10).Select(i => $"ARG A{i}=" + string.Concat(Enumerable.Repeat($"${{A{i - 1}}}", 10))));
        lines.Add("LABEL x=$A10");
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), string.Join('\n', lines) + "\n");

        var run = CliRun.Of("build", "--check", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Dockerfile:8\n", run.Error, StringComparison.Ordinal);
        Assert.Contains("ERROR: Dockerfile:8:1: ARG A6: the expanded word is longer than kiln's limit of 1 Mi characters [DF4011]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lines_and_message_of_an_error_are_cut_to_a_terminal_width()
    {
        var longLine = "LABEL x=" + new string('a', 100_000);
        var source = "FROM scratch\n" + longLine + "\n";
        using var output = new StringWriter();

        new DiagnosticRenderer(output).Render("Dockerfile", source, [Diagnostic.Error("DF9999", "bad: " + longLine, SourceSpan.Lines(2, 2))]);

        var lines = output.ToString().Split('\n');
        Assert.All(lines, line => Assert.True(line.Length < 1100, $"a line of {line.Length} characters"));
        Assert.Contains(lines, line => line.StartsWith("   2 | >>> LABEL x=aaa", StringComparison.Ordinal) && line.EndsWith("... (100,008 characters)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("ERROR: Dockerfile:2: bad: LABEL", StringComparison.Ordinal) && line.EndsWith("... (100,013 characters) [DF9999]", StringComparison.Ordinal));
    }
}
