namespace Kiln.Content.Tar;

/// <summary>The entry types a layer carries, valued as their POSIX ustar typeflag bytes. Sockets have none: they are skipped, as Docker does.</summary>
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
