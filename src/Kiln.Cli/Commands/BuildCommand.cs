using System.Collections.Immutable;
using System.CommandLine;
using Kiln.Cli.Rendering;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Ignore;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln build</c>, with <c>docker build</c>'s habits. For now only <c>--check</c> runs.</summary>
internal static class BuildCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var check = new Option<bool>("--check")
        {
            Description = "Parse and bind the Dockerfile without building: exit 0 if it is valid, 1 with diagnostics otherwise",
        };
        var file = new Option<string?>("--file", "-f")
        {
            Description = "Name of the Dockerfile (default: CONTEXT/Dockerfile; '-' reads it from standard input)",
        };
        var buildArgs = new Option<string[]>("--build-arg")
        {
            Description = "Set a build-time variable: K=V, or K to take its value from the environment",
            AllowMultipleArgumentsPerToken = false,
        };
        var target = new Option<string?>("--target") { Description = "Build the named stage and only what it needs" };
        var context = new Argument<string>("CONTEXT") { Description = "The build context directory" };

        var command = new Command("build", "Build an image from a Dockerfile") { check, file, buildArgs, target, context };
        command.SetAction(parse =>
        {
            if (!parse.GetValue(check))
            {
                error.WriteLine("ERROR: kiln build: building images is not supported yet; use --check to validate a Dockerfile");
                return ExitCodes.UserError;
            }

            var args = ParseBuildArgs(parse.GetValue(buildArgs) ?? [], error);
            if (args is null)
            {
                return ExitCodes.UserError;
            }

            var request = new CheckRequest(parse.GetValue(context)!, parse.GetValue(file), args, parse.GetValue(target));
            return RunCheck(request, output, error);
        });
        return command;
    }

    private sealed record CheckRequest(string ContextPath, string? DockerfilePath, ImmutableDictionary<string, string> BuildArgs, string? Target);

    private static int RunCheck(CheckRequest request, TextWriter output, TextWriter error)
    {
        if (request.ContextPath == "-")
        {
            error.WriteLine("ERROR: kiln build: a context read from standard input is not supported yet");
            return ExitCodes.UserError;
        }

        if (!Directory.Exists(request.ContextPath))
        {
            error.WriteLine($"ERROR: kiln build: context directory {request.ContextPath} does not exist");
            return ExitCodes.UserError;
        }

        var source = DockerfileSource.Read(request.ContextPath, request.DockerfilePath, error);
        if (source is null)
        {
            return ExitCodes.UserError;
        }

        var result = DockerfileFrontend.Check(source.Text, new FrontendOptions(request.BuildArgs, request.Target));
        var renderer = new DiagnosticRenderer(error);
        renderer.Render(source.DisplayName, source.Text, result.Diagnostics);
        if (!CheckIgnoreFile(request, renderer) || result.HasErrors)
        {
            return ExitCodes.UserError;
        }

        var warnings = result.Diagnostics.Count(d => !d.IsError);
        output.WriteLine(warnings == 0 ? "Check complete, no warnings found." : $"Check complete, {warnings} warning(s) found.");
        return ExitCodes.Success;
    }

    /// <summary>A .dockerignore with a bad pattern fails the build in BuildKit, so it fails the check too.</summary>
    private static bool CheckIgnoreFile(CheckRequest request, DiagnosticRenderer renderer)
    {
        var ignoreFile = IgnoreFileSource.Find(request.ContextPath, request.DockerfilePath);
        if (ignoreFile is null)
        {
            return true;
        }

        var matcher = PatternMatcher.Create(DockerignoreFile.Parse(ignoreFile.Text));
        if (matcher.Succeeded)
        {
            return true;
        }

        renderer.Render(ignoreFile.DisplayName, ignoreFile.Text, [matcher.Error.ToDiagnostic()]);
        return false;
    }

    /// <summary>
    /// <c>K=V</c> sets K; a bare <c>K</c> takes K's value from the environment, and is left out when
    /// the environment has no K (as <c>docker build</c> does).
    /// </summary>
    private static ImmutableDictionary<string, string>? ParseBuildArgs(string[] values, TextWriter error)
    {
        var args = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? value : value[..equals];
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                error.WriteLine($"ERROR: kiln build: invalid --build-arg '{value}': expected KEY=VALUE or KEY");
                return null;
            }

            if (equals >= 0)
            {
                args[key] = value[(equals + 1)..];
            }
            else if (Environment.GetEnvironmentVariable(key) is { } fromEnvironment)
            {
                args[key] = fromEnvironment;
            }
        }

        return args.ToImmutable();
    }
}
