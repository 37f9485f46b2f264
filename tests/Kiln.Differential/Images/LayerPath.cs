using System.Text;

namespace Kiln.Differential.Images;

/// <summary>
/// A tar member's name as an absolute path for comparing and reporting: <c>./a/b/</c>, <c>a/b</c> and <c>/a/b</c> are
/// all <c>/a/b</c>. Bytes that are not UTF-8 are written <c>\xNN</c> (and a backslash <c>\\</c>), so every name has
/// one spelling and a report shows exactly which bytes differ.
/// </summary>
internal static class LayerPath
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Of(byte[] name)
    {
        var parts = Text(name).Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
        return "/" + string.Join('/', parts);
    }

    public static string Text(byte[] bytes)
    {
        var text = new StringBuilder();
        var at = 0;
        while (at < bytes.Length)
        {
            var length = SequenceLength(bytes[at]);
            if (length > 0 && at + length <= bytes.Length && Decodes(bytes.AsSpan(at, length), out var decoded))
            {
                text.Append(decoded == "\\" ? "\\\\" : decoded);
                at += length;
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{bytes[at]:x2}");
                at++;
            }
        }

        return text.ToString();
    }

    public static string Parent(string path) => path == "/" ? "/" : path[..Math.Max(1, path.LastIndexOf('/'))];

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static bool IsUnder(string path, string directory) =>
        directory == "/" ? path != "/" : path.StartsWith(directory + "/", StringComparison.Ordinal);

    private static int SequenceLength(byte first) => first switch
    {
        < 0x80 => 1,
        >= 0xC2 and <= 0xDF => 2,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xF0 and <= 0xF4 => 4,
        _ => 0,
    };

    private static bool Decodes(ReadOnlySpan<byte> sequence, out string decoded)
    {
        try
        {
            decoded = Strict.GetString(sequence);
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = string.Empty;
            return false;
        }
    }
}
