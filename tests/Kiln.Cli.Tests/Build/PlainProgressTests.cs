using Kiln.Build.Progress;
using Kiln.Cli.Rendering;

namespace Kiln.Cli.Tests.Build;

public sealed class PlainProgressTests
{
    [Fact]
    public void A_fake_build_prints_buildkit_like_numbered_lines()
    {
        using var output = new StringWriter();
        var clock = new ManualClock();
        var tracker = new ProgressTracker(new PlainProgressRenderer(output), clock);

        var load = tracker.Start("[internal] load build definition from Dockerfile");
        clock.Advance(0.01);
        load.Complete();
        var metadata = tracker.Start("[internal] load metadata for docker.io/library/golang:1.22");
        clock.Advance(0.4);
        metadata.Complete();
        var from = tracker.Start("[builder 1/6] FROM docker.io/library/golang:1.22@sha256:0000000000000000000000000000000000000000000000000000000000000000");
        from.Complete();
        var workdir = tracker.Start("[builder 2/6] WORKDIR /workspace");
        workdir.Cached();
        var copy = tracker.Start("[builder 3/6] COPY go.mod go.mod");
        copy.Cached();
        var download = tracker.Start("[builder 4/6] RUN go mod download");
        clock.Advance(0.512);
        download.Log("go: downloading example.com/x v1.0.0");
        var other = tracker.Start("[tools 2/2] RUN make tools");
        clock.Advance(0.1);
        other.Log("building tools");
        clock.Advance(1.5);
        download.Log("go: done");
        download.Complete();
        other.Fail("process \"/bin/sh -c make tools\" did not complete successfully: exit code: 2");

        Golden.AssertMatches("build-plain-progress.txt", output.ToString());
    }

    [Theory]
    [InlineData(0, "0.0s")]
    [InlineData(2.1, "2.1s")]
    [InlineData(65.24, "65.2s")]
    public void Durations_have_one_decimal(double seconds, string expected) =>
        Assert.Equal(expected, PlainProgressRenderer.Seconds(TimeSpan.FromSeconds(seconds)));
}
