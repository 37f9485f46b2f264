using System.Runtime.InteropServices;

namespace Kiln.Content.Native;

internal static partial class Libc
{
    public const int ORdWr = 2;
    public const int OCreat = 0x40;

    // O_DIRECTORY, like O_NOFOLLOW, differs between architectures (asm-generic vs x86).
    public static readonly int ODirectory =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;
}
