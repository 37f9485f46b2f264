using System.Collections.Immutable;
using Kiln.Build.Ports;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Dockerfile.Text;

namespace Kiln.Build.Solver;

/// <summary>
/// Everything the frontend accepts but the engine cannot run (yet), found before anything runs: a build that
/// would silently ignore a flag would make a wrong image, so each is an error naming the flag and the line.
/// </summary>
internal static class UnsupportedFeatures
{
    public static ImmutableArray<Diagnostic> Find(BuildDefinition definition, BuildPorts ports)
    {
        var found = ImmutableArray.CreateBuilder<Diagnostic>();
        void Add(string message, SourceSpan span) => found.Add(Diagnostic.Error(BuildErrorCodes.NotSupportedYet, message + " is not supported yet", span));

        if (ports.Configurator is null)
        {
            Add("building images (the image config writer is not wired in)", SourceSpan.None);
        }

        if (ports.Exporter is null)
        {
            Add("exporting images (the exporter is not wired in)", SourceSpan.None);
        }

        foreach (var stage in definition.BuildOrder)
        {
            if (stage.Platform is { } platform && platform != Platform.Host)
            {
                Add($"FROM --platform={platform} (only the host platform, {Platform.Host}, is built)", stage.From.Span);
            }

            if (stage.Base is StageBase.Image && ports.Images is null)
            {
                Add("FROM an image (base images cannot be loaded: the image source is not wired in)", stage.From.Span);
            }

            if (stage.Base is StageBase.Context && (ports.Files is null || ports.Snapshotter is null || ports.Differ is null))
            {
                Add("FROM a --build-context directory (the copier is not wired in)", stage.From.Span);
            }

            foreach (var step in stage.Steps)
            {
                CheckStep(step, ports, Add);
            }
        }

        return found.ToImmutable();
    }

    private static void CheckStep(BoundStep step, BuildPorts ports, Action<string, SourceSpan> add)
    {
        var span = step.Instruction.Span;
        var filesystemPorts = ports.Snapshotter is not null && ports.Differ is not null;
        switch (step.Instruction)
        {
            case RunInstruction run:
                if (!run.Devices.IsDefaultOrEmpty)
                {
                    add("RUN --device", span);
                }

                if (ports.Executor is null || !filesystemPorts)
                {
                    add("RUN (the sandbox is not wired in)", span);
                }

                break;
            case CopyInstruction:
                if (step.Sources.Any(s => s is StageSource.Image) && ports.Images is null)
                {
                    add("COPY --from an image (the image source is not wired in)", span);
                }

                if (ports.Files is null || !filesystemPorts)
                {
                    add("COPY (the copier is not wired in)", span);
                }

                break;
            case AddInstruction addInstruction:
                var repositories = addInstruction.Sources.Count(RemoteSource.IsGit);
                if (repositories > 0 && ports.Git is null)
                {
                    add("ADD of a git repository (the git fetcher is not wired in)", span);
                }

                else if (repositories > 0 && (addInstruction.Sources.Length > 1 || !addInstruction.SourceContents.IsDefaultOrEmpty))
                {
                    add("ADD of a git repository together with other sources in one instruction", span);
                }

                var urls = addInstruction.Sources.Count(RemoteSource.IsHttp);
                if (urls > 0 && (urls < addInstruction.Sources.Length || !addInstruction.SourceContents.IsDefaultOrEmpty))
                {
                    add("ADD of URLs together with other sources in one instruction", span);
                }

                if (ports.Files is null || !filesystemPorts)
                {
                    add("ADD (the copier is not wired in)", span);
                }

                break;
            case WorkdirInstruction when ports.Files is null || !filesystemPorts:
                add("WORKDIR (creating the directory needs the copier and the snapshotter, not wired in)", span);
                break;
        }
    }
}
