namespace Kiln.Content.Tar;

/// <summary>
/// The entry kinds a layer carries, valued as their POSIX ustar typeflag bytes. The reader maps the other regular
/// file flags ('7', old GNU sparse 'S', v7 NUL) and GNU dumpdir 'D' onto these, and consumes the metadata flags
/// itself. Sockets have none: the writer skips them, as Docker does.
/// </summary>
public enum TarEntryKind : byte
{
    RegularFile = (byte)'0',
    HardLink = (byte)'1',
    SymbolicLink = (byte)'2',
    CharacterDevice = (byte)'3',
    BlockDevice = (byte)'4',
    Directory = (byte)'5',
    Fifo = (byte)'6',
}
