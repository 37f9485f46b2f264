using Kiln.Build.Ports;

namespace Kiln.Build.Tests.Solver;

public sealed class RunLimitTests
{
    [Theory]
    [InlineData("nofile=1024", "nofile=1024:1024", "RLIMIT_NOFILE")]
    [InlineData("nproc=100:200", "nproc=100:200", "RLIMIT_NPROC")]
    [InlineData("core=-1", "core=-1:-1", "RLIMIT_CORE")]
    [InlineData("stack=8192:-1", "stack=8192:-1", "RLIMIT_STACK")]
    public void Docker_forms_parse(string text, string parsed, string type)
    {
        var limit = RunLimit.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.Equal(parsed, limit!.ToString());
        Assert.Equal(type, limit.RlimitType);
    }

    [Theory]
    [InlineData("files=10", "unknown limit 'files'")]
    [InlineData("nofile", "expected NAME=SOFT[:HARD]")]
    [InlineData("nofile=1:2:3", "expected NAME=SOFT[:HARD]")]
    [InlineData("nofile=x", "expected NAME=SOFT[:HARD]")]
    [InlineData("nofile=200:100", "the soft limit 200 is above the hard limit 100")]
    [InlineData("nofile=-1:100", "the soft limit -1 is above the hard limit 100")]
    public void Bad_forms_say_why(string text, string problem)
    {
        Assert.Null(RunLimit.Parse(text, out var said));
        Assert.StartsWith(problem, said, StringComparison.Ordinal);
    }
}
