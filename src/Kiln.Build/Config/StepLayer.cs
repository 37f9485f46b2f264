using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Config;

/// <summary>
/// Which steps make a layer: the one rule that the solver (run the step, or only change the config), the config
/// builder (a diffID, and a history entry without <c>empty_layer</c>) and the export check (the config's rootfs lists
/// the stage's layers) all ask. As BuildKit's dockerfile2llb decides it: RUN, COPY and ADD always, even when they
/// change nothing; WORKDIR unless the directory it names is <c>/</c> (dispatchWorkdir makes no mkdir then, shows no
/// step and writes an <c>empty_layer</c> history entry), a directory that exists included (its layer is empty); no
/// other instruction.
/// </summary>
public static class StepLayer
{
    /// <param name="workingDir">The stage's working directory before the step (the config's <c>WorkingDir</c>).</param>
    public static bool MakesLayer(Instruction instruction, string? workingDir)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return instruction switch
        {
            RunInstruction or CopyInstruction or AddInstruction => true,
            WorkdirInstruction workdir => Workdir(workingDir, workdir.Path) != "/",
            _ => false,
        };
    }

    /// <summary>
    /// The directory a WORKDIR sets, as BuildKit's NormalizeWorkdir gives it for Linux: an absolute path as written
    /// (<c>/app/</c> stays so in the config), a relative one joined to the current one and cleaned.
    /// </summary>
    public static string Workdir(string? current, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith('/') ? path : ImageConfigBuilder.JoinWorkdir(current, path);
    }
}
