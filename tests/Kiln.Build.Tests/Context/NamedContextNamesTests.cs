using Kiln.Build.Context;
using Kiln.Dockerfile.Stages;

namespace Kiln.Build.Tests.Context;

public sealed class NamedContextNamesTests
{
    [Theory]
    [InlineData("alpine", "alpine")]
    [InlineData("alpine:latest", "alpine")]
    [InlineData("docker.io/library/alpine", "alpine")]
    [InlineData("docker.io/library/alpine:latest", "alpine")]
    [InlineData("index.docker.io/library/alpine:latest", "alpine")]
    [InlineData("alpine:3.18", "alpine:3.18")]
    [InlineData("docker.io/user/app:latest", "user/app")]
    [InlineData("localhost/busybox:latest", "localhost/busybox")]
    [InlineData("registry.example:5000/team/app:v1", "registry.example:5000/team/app:v1")]
    [InlineData("build", "build")]
    [InlineData("my_stage.v2", "my_stage.v2")]
    public void A_name_becomes_its_familiar_form_without_latest(string name, string expected) =>
        Assert.Equal(expected, NamedContextNames.Normalize(name, out _));

    [Theory]
    [InlineData("Build")]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("name-")]
    public void A_name_that_is_no_reference_has_no_normal_form(string name)
    {
        Assert.Null(NamedContextNames.Normalize(name, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void The_lookup_matches_names_as_buildkit_does_and_the_last_of_a_name_wins()
    {
        var lookup = NamedContextNames.Lookup(
        [
            KeyValuePair.Create<string, NamedContext>("docker.io/library/alpine:latest", new NamedContext.Image("alpine:3.17")),
            KeyValuePair.Create<string, NamedContext>("alpine", new NamedContext.Image("alpine:3.19")),
            KeyValuePair.Create<string, NamedContext>("src", new NamedContext.Local("src")),
        ])!;

        Assert.Equal(new NamedContext.Image("alpine:3.19"), lookup("alpine"));
        Assert.Equal(new NamedContext.Image("alpine:3.19"), lookup("alpine:latest"));
        Assert.Equal(new NamedContext.Image("alpine:3.19"), lookup("docker.io/library/alpine"));
        Assert.Null(lookup("alpine:3.18"));
        Assert.Null(lookup("library/alpine:3.19"));
        Assert.Equal(new NamedContext.Local("src"), lookup("src"));
        Assert.Null(lookup("SRC"));
        Assert.Null(lookup("other"));
    }

    [Fact]
    public void No_contexts_is_no_lookup_and_a_bad_name_is_refused()
    {
        Assert.Null(NamedContextNames.Lookup([]));
        var error = Assert.Throws<ArgumentException>(() => NamedContextNames.Lookup([KeyValuePair.Create<string, NamedContext>("Bad", new NamedContext.Local("Bad"))]));
        Assert.StartsWith("invalid context name Bad: ", error.Message, StringComparison.Ordinal);
    }
}
