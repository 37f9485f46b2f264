namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// A container's stdio. Standard input is <see cref="Stdin"/> copied in (and then closed), or empty. Output goes
/// to <see cref="OnOutput"/> as raw chunks, as it comes, and to <see cref="OnLine"/> as UTF-8 lines without their
/// line feed (a last line without one is delivered at the end). Callbacks for one stream are never concurrent.
/// </summary>
public sealed record ContainerIo
{
    public Stream? Stdin { get; init; }

    public Func<OutputChannel, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? OnOutput { get; init; }

    public Action<OutputChannel, string>? OnLine { get; init; }
}
