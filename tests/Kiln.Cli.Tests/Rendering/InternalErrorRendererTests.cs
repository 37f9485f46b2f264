using Kiln.Build.Solver;
using Kiln.Cli.Rendering;

namespace Kiln.Cli.Tests.Rendering;

public sealed class InternalErrorRendererTests
{
    [Fact]
    public void A_fault_of_kilns_own_is_said_to_be_a_bug_with_the_step_the_version_and_the_stack()
    {
        BuildInternalException failure;
        try
        {
            throw new InvalidOperationException("the config's rootfs does not list the stage's layers");
        }
        catch (InvalidOperationException e)
        {
            failure = new BuildInternalException(e, "[2/3] WORKDIR .");
        }

        using var error = new StringWriter();
        InternalErrorRenderer.Render(error, failure);
        var lines = error.ToString().Split('\n');

        Assert.Equal("ERROR: kiln build: internal error in [2/3] WORKDIR .: the config's rootfs does not list the stage's layers", lines[0]);
        Assert.StartsWith("This is a bug in Kiln, not a problem with the Dockerfile", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("kiln 0.1.0, ", lines[2], StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException: the config's rootfs does not list the stage's layers", lines[3]);
        Assert.Contains(nameof(A_fault_of_kilns_own_is_said_to_be_a_bug_with_the_step_the_version_and_the_stack), lines[4], StringComparison.Ordinal);
    }
}
