namespace Kiln.Cli.Tests;

public sealed class BuildCheckTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("kiln-cli-test-").FullName;

    public void Dispose() => Directory.Delete(_context, recursive: true);

    [Fact]
    public void The_example_Dockerfile_checks_clean()
    {
        var example = Repository.PathOf("examples", "go-operator");

        var run = CliRun.Of("build", "--check", "-f", Path.Combine(example, "Dockerfile"), example);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("Check complete, no warnings found.\n", run.Output);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public void A_broken_copy_of_the_example_prints_a_buildkit_style_excerpt()
    {
        var example = File.ReadAllText(Repository.PathOf("examples", "go-operator", "Dockerfile"));
        var broken = example.Replace("COPY --from=builder", "COPY --form=builder", StringComparison.Ordinal);
        Assert.NotEqual(example, broken);
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), broken);

        var run = CliRun.Of("build", "--check", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(">>> COPY --form=builder", run.Error, StringComparison.Ordinal);
        Assert.Contains("did you mean", run.Error, StringComparison.OrdinalIgnoreCase);
        Golden.AssertMatches("check-broken-example.txt", run.Error);
    }

    [Fact]
    public void The_default_Dockerfile_is_read_from_the_context()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nCOPY a /a\n");

        var run = CliRun.Of("build", "--check", _context);

        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Fact]
    public void A_missing_Dockerfile_is_a_clear_error()
    {
        var run = CliRun.Of("build", "--check", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("failed to read dockerfile", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_context_is_a_clear_error()
    {
        var run = CliRun.Of("build", "--check", Path.Combine(_context, "nope"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Building_without_check_says_it_is_not_supported_yet()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");

        var run = CliRun.Of("build", "--root", Path.Combine(_context, "store"), _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not supported yet", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_args_reach_the_frontend()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "ARG BASE\nFROM ${BASE:?BASE-is-required}\n");

        var without = CliRun.Of("build", "--check", _context);
        var with = CliRun.Of("build", "--check", "--build-arg", "BASE=scratch", _context);

        Assert.Equal(1, without.ExitCode);
        Assert.Contains("BASE-is-required", without.Error, StringComparison.Ordinal);
        Assert.True(with.ExitCode == 0, with.Error);
    }

    [Fact]
    public void An_unknown_target_is_an_error()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch AS base\nFROM base AS final\n");

        var run = CliRun.Of("build", "--check", "--target", "finl", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("final", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_build_arg_is_an_error()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");

        var run = CliRun.Of("build", "--check", "--build-arg", "=x", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("invalid --build-arg", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_dockerignore_pattern_fails_the_check()
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "# comment\nbin/\n[a-\n");

        var run = CliRun.Of("build", "--check", _context);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(".dockerignore", run.Error, StringComparison.Ordinal);
        Assert.Contains("[DF5002]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_per_dockerfile_ignore_file_wins_over_the_context_one()
    {
        File.WriteAllText(Path.Combine(_context, "app.Dockerfile"), "FROM scratch\n");
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "[\n");
        File.WriteAllText(Path.Combine(_context, "app.Dockerfile.dockerignore"), "node_modules\n");

        var run = CliRun.Of("build", "--check", "-f", Path.Combine(_context, "app.Dockerfile"), _context);

        Assert.True(run.ExitCode == 0, run.Error);
    }
}
