using System.Collections.Immutable;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile;

/// <summary>
/// The frontend's front door: Dockerfile text in, a bound build definition and diagnostics out.
/// Parse (lines to syntax) -> InstructionParser (syntax to typed instructions) -> StageBinder
/// (stages, ARGs, expansion, target, build order).
/// </summary>
public static class DockerfileFrontend
{
    private static readonly ImageEnvironmentLookup NoImageEnvironment = (_, _) => ImmutableDictionary<string, string>.Empty;

    /// <summary>Parses and binds without building, as <c>kiln build --check</c> does: base images contribute no environment.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static FrontendResult Check(string text, FrontendOptions options, CancellationToken cancellationToken = default) =>
        Load(text, options, NoImageEnvironment, cancellationToken);

    /// <summary>
    /// Parses and binds, asking <paramref name="imageEnvironment"/> for each base image's environment. Takes time in
    /// proportion to the text (within <see cref="FrontendLimits"/>), and stops at once when cancelled.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static FrontendResult Load(string text, FrontendOptions options, ImageEnvironmentLookup imageEnvironment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(imageEnvironment);

        var syntax = DockerfileParser.Parse(text, cancellationToken);
        var diagnostics = syntax.Diagnostics.ToBuilder();
        if (syntax.HasErrors)
        {
            return new FrontendResult(syntax, null, diagnostics.ToImmutable());
        }

        var instructions = ImmutableArray.CreateBuilder<Instruction>(syntax.Instructions.Length);
        foreach (var instructionSyntax in syntax.Instructions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parsed = InstructionParser.Parse(instructionSyntax);
            diagnostics.AddRange(parsed.Diagnostics);
            if (parsed.Instruction is { } instruction)
            {
                instructions.Add(instruction);
            }
        }

        // Binding a file with broken instructions would pile up follow-on errors; stop at the first cause.
        if (diagnostics.Any(d => d.IsError))
        {
            return new FrontendResult(syntax, null, diagnostics.ToImmutable());
        }

        var (definition, bindDiagnostics) = StageBinder.Bind(instructions.ToImmutable(), syntax.EscapeToken, options, imageEnvironment, cancellationToken);
        diagnostics.AddRange(bindDiagnostics);
        return new FrontendResult(syntax, definition, diagnostics.ToImmutable());
    }
}
