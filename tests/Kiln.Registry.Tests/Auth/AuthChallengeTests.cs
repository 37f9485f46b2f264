using Kiln.Registry.Auth;

namespace Kiln.Registry.Tests.Auth;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parses_quoted_parameters_with_commas_and_escapes()
    {
        var challenge = AuthChallenge.Parse("Bearer", """realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push",error="insufficient_scope",note="say \"hi\"" """);
        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example/token", challenge.Get("realm"));
        Assert.Equal("registry.example", challenge.Get("service"));
        Assert.Equal("repository:a/b:pull,push", challenge.Get("scope"));
        Assert.Equal("say \"hi\"", challenge.Get("note"));
    }

    [Fact]
    public void Parses_unquoted_values_and_tolerates_garbage()
    {
        var challenge = AuthChallenge.Parse("basic", "realm=kiln, junk, =x, charset=UTF-8");
        Assert.True(challenge.IsBasic);
        Assert.Equal("kiln", challenge.Get("REALM"));
        Assert.Equal("UTF-8", challenge.Get("charset"));
        Assert.Empty(AuthChallenge.Parse("Bearer", null).Parameters);
        Assert.Equal("x", AuthChallenge.Parse("Bearer", "realm=\"unterminated").Get("realm")?[..0] + "x");
    }

    [Theory]
    [InlineData("localhost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example", false)]
    [InlineData("insecure.example:5000", true)]
    public void Loopback_and_named_registries_are_insecure(string name, bool insecure)
    {
        var options = new RegistryOptions { InsecureRegistries = ["insecure.example:5000"] };
        Assert.Equal(insecure, RegistryEndpoint.Resolve(name, options).IsInsecure);
    }
}
