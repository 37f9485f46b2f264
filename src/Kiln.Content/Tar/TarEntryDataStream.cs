using Kiln.Content.IO;

namespace Kiln.Content.Tar;

/// <summary>A read-only view of the current entry's stored bytes, straight from the archive stream.</summary>
internal sealed class TarEntryDataStream(TarReader reader, int generation) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => ReadThroughAsync(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        reader.ReadEntryDataAsync(buffer, generation, cancellationToken);
}
