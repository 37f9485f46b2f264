using System.Collections.Immutable;

namespace Kiln.Dockerfile.Instructions;

/// <summary>What COPY and ADD share: the sources and heredoc bodies, the destination, and the flags both take.</summary>
public interface IFileInstruction
{
    ImmutableArray<string> Sources { get; }

    ImmutableArray<HeredocSource> SourceContents { get; }

    string Destination { get; }

    string? Chown { get; }

    Chmod? Chmod { get; }

    string? ChmodText { get; }

    bool Link { get; }

    ImmutableArray<string> Excludes { get; }
}
