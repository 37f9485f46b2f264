using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using Kiln.Content.Paths;

namespace Kiln.Content.Native;

/// <summary>
/// Passes a string to libc as the NUL-terminated bytes <see cref="FileNameEncoding"/> gives it, where
/// StringMarshalling.Utf8 would turn a carried non-UTF-8 byte into EF BF BD and so name another file. Every
/// binding that takes a path or a name uses it (<c>StringMarshallingCustomType</c>); for valid text it is UTF-8.
/// </summary>
[CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedIn, typeof(ManagedToUnmanagedIn))]
internal static unsafe class FileNameMarshaller
{
    public ref struct ManagedToUnmanagedIn
    {
        private byte* _native;
        private bool _allocated;

        /// <summary>Names up to this many bytes (with the NUL) are marshalled on the caller's stack.</summary>
        public static int BufferSize => 0x200;

        public void FromManaged(string? managed, Span<byte> buffer)
        {
            _allocated = false;
            if (managed is null)
            {
                _native = null;
                return;
            }

            var count = FileNameEncoding.GetByteCount(managed) + 1;
            if (count > buffer.Length)
            {
                buffer = new Span<byte>(NativeMemory.Alloc((nuint)count), count);
                _allocated = true;
            }

            var written = FileNameEncoding.Encode(managed, buffer);
            buffer[written] = 0;

            // The buffer is the caller's stackalloc or our native allocation: neither moves.
            _native = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
        }

        public readonly byte* ToUnmanaged() => _native;

        public readonly void Free()
        {
            if (_allocated)
            {
                NativeMemory.Free(_native);
            }
        }
    }
}
