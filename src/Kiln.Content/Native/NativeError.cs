using System.Runtime.InteropServices;
using System.Text;

namespace Kiln.Content.Native;

/// <summary>errno values Kiln reacts to, and the one way a failed call becomes an exception.</summary>
internal static class NativeError
{
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int ERange = 34;
    public const int ENoData = 61;
    public const int ENotSup = 95;

    public static IOException Exception(string call, ReadOnlySpan<byte> path, int errno) =>
        new($"{call} {Encoding.UTF8.GetString(path)}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
}
