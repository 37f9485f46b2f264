using System.Collections.Immutable;
using Kiln.Dockerfile.Stages;

namespace Kiln.Dockerfile.Tests.Stages;

/// <summary>Runs the whole frontend on Dockerfile text, the way the CLI does.</summary>
internal static class Bind
{
    public static FrontendResult Text(string dockerfile, string? target = null, params (string Key, string Value)[] buildArgs)
    {
        var options = new FrontendOptions(buildArgs.ToImmutableDictionary(a => a.Key, a => a.Value), target)
        {
            TargetPlatform = Platform.LinuxAmd64,
        };
        return DockerfileFrontend.Check(dockerfile, options);
    }

    public static FrontendResult WithImageEnv(string dockerfile, IReadOnlyDictionary<string, string> imageEnvironment) =>
        DockerfileFrontend.Load(dockerfile, FrontendOptions.Default with { TargetPlatform = Platform.LinuxAmd64 }, (_, _) => imageEnvironment);

    public static BuildDefinition Definition(string dockerfile, string? target = null, params (string Key, string Value)[] buildArgs)
    {
        var result = Text(dockerfile, target, buildArgs);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Definition!;
    }

    public static string ErrorCode(string dockerfile, string? target = null, params (string Key, string Value)[] buildArgs)
    {
        var result = Text(dockerfile, target, buildArgs);
        Assert.True(result.HasErrors, "expected an error");
        return result.Diagnostics.First(d => d.IsError).Code;
    }
}
