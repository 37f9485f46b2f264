namespace Kiln.Content.Layers;

/// <summary>The kinds of tar entry a layer can carry (typeflags 0-6, 'D'; the metadata types are consumed by the reader).</summary>
public enum TarEntryType
{
    RegularFile,
    HardLink,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Directory,
    Fifo,
}
