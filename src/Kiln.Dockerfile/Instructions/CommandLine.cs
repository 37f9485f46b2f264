using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// A RUN/CMD/ENTRYPOINT command. Exec (JSON) form: <see cref="Args"/> are the array elements and
/// <see cref="PrependShell"/> is false. Shell form: <see cref="Args"/> holds the one verbatim command
/// text (or nothing when the instruction had no argument) and <see cref="PrependShell"/> is true, so
/// the stage's SHELL (default <c>/bin/sh -c</c>) is put in front at dispatch.
/// </summary>
public sealed record CommandLine(ImmutableArray<string> Args, bool PrependShell)
{
    public bool IsExecForm => !PrependShell;
}
