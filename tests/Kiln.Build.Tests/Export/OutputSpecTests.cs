using Kiln.Build.Export;
using Kiln.Oci;

namespace Kiln.Build.Tests.Export;

public sealed class OutputSpecTests
{
    [Theory]
    [InlineData("out", OutputType.Local, "out")]
    [InlineData("-", OutputType.Tar, "-")]
    [InlineData("type=local,dest=dir", OutputType.Local, "dir")]
    [InlineData("dest=f.tar,type=tar", OutputType.Tar, "f.tar")]
    [InlineData("type=oci,dest=img.tar", OutputType.Oci, "img.tar")]
    [InlineData("type=docker,dest=img.tar", OutputType.Docker, "img.tar")]
    [InlineData("type=image", OutputType.Image, null)]
    [InlineData("type=local,\"dest=a,b\"", OutputType.Local, "a,b")]
    public void Parses_like_buildx(string text, OutputType type, string? destination)
    {
        var spec = OutputSpec.Parse(text);
        Assert.Equal((type, destination), (spec.Type, spec.Destination));
    }

    [Fact]
    public void Names_and_push()
    {
        var spec = OutputSpec.Parse("type=image,\"name=localhost:5000/a:1,localhost:5000/b\",push=true");
        Assert.True(spec.Push);
        Assert.Equal(["localhost:5000/a:1", "localhost:5000/b:latest"], spec.Names.Select(n => n.ToString()));
        Assert.True(OutputSpec.Parse("type=registry,name=r.example/x").Push);
    }

    [Fact]
    public void Push_takes_its_name_from_the_tags_and_the_push_flag_turns_the_image_output_into_a_push()
    {
        ImageReference[] tags = [ImageReference.Parse("localhost:5000/app:1")];
        var spec = OutputSpec.Parse("type=image,push=true");

        Assert.True(Assert.Single(OutputSpec.Combine([spec], push: false, tags)).Push);
        Assert.Contains("a push needs a name", Assert.Throws<OutputSpecException>(() => OutputSpec.Combine([spec], push: false, [])).Message, StringComparison.Ordinal);

        Assert.Equal(OutputSpec.Default with { Push = true }, Assert.Single(OutputSpec.Combine([], push: true, tags)));
        Assert.Equal(OutputSpec.Default, Assert.Single(OutputSpec.Combine([], push: false, [])));
        Assert.True(Assert.Single(OutputSpec.Combine([OutputSpec.Parse("type=image,name=localhost:5000/b")], push: true, [])).Push);
        Assert.Contains("a push needs a name", Assert.Throws<OutputSpecException>(() => OutputSpec.Combine([], push: true, [])).Message, StringComparison.Ordinal);
        Assert.Contains(
            "cannot go with --output type=oci",
            Assert.Throws<OutputSpecException>(() => OutputSpec.Combine([OutputSpec.Parse("type=oci,dest=x.tar")], push: true, tags)).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "needs a value")]
    [InlineData("type=tar", "needs dest=PATH")]
    [InlineData("type=zip,dest=x", "unknown --output type \"zip\"")]
    [InlineData("dest=x,compression=zstd", "compression= is not supported")]
    [InlineData("type=local,dest=-", "type=tar,dest=- for stdout")]
    [InlineData("type=tar,dest=x,push=true", "type=image only")]
    [InlineData("type=image,name=UPPER/Case", "invalid --output name")]
    [InlineData("\"type=local", "unterminated quote")]
    [InlineData("dest=x", "has no type=")]
    public void Refuses_with_a_clear_message(string text, string message) =>
        Assert.Contains(message, Assert.Throws<OutputSpecException>(() => OutputSpec.Parse(text)).Message, StringComparison.Ordinal);
}
