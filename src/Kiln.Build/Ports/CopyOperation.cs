using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Ports;

/// <summary>One COPY or ADD to carry out.</summary>
/// <param name="Instruction">A <see cref="CopyInstruction"/> or an <see cref="AddInstruction"/>, expanded.</param>
/// <param name="WorkingDir">The stage's WORKDIR, against which a relative destination is resolved.</param>
public sealed record CopyOperation(Instruction Instruction, CopySource Source, string WorkingDir)
{
    /// <summary>A directory source made at a missing destination keeps its own mode and time (<see cref="Copy.CopyRequest.DirectoryItself"/>).</summary>
    public bool DirectoryItself { get; init; }
}
