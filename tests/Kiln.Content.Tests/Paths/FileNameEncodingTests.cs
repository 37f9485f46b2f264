using Kiln.Content.Paths;

namespace Kiln.Content.Tests.Paths;

public sealed class FileNameEncodingTests
{
    [Fact]
    public void Every_byte_sequence_round_trips()
    {
        // Every single byte, every pair, and random runs: decode then encode gives the bytes back.
        for (var a = 1; a < 256; a++)
        {
            AssertRoundTrip([(byte)a]);
            for (var b = 1; b < 256; b += 7)
            {
                AssertRoundTrip([(byte)a, (byte)b]);
            }
        }

        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 24)];
            random.NextBytes(bytes);
            AssertRoundTrip(bytes);
        }
    }

    [Fact]
    public void Valid_utf8_decodes_as_text_and_invalid_bytes_as_lone_surrogates()
    {
        Assert.Equal("café", FileNameEncoding.Decode("café"u8));
        Assert.Equal("caf\uDCE9.txt", FileNameEncoding.Decode([0x63, 0x61, 0x66, 0xE9, 0x2E, 0x74, 0x78, 0x74]));

        // An encoded surrogate (ED B0 80) is invalid UTF-8: each byte is escaped, never read as U+DC00.
        Assert.Equal("\uDCED\uDCB0\uDC80", FileNameEncoding.Decode([0xED, 0xB0, 0x80]));

        // A truncated sequence followed by valid text: only the bad byte is escaped.
        Assert.Equal("\uDCC3a\u00E9", FileNameEncoding.Decode([0xC3, (byte)'a', 0xC3, 0xA9]));
    }

    [Fact]
    public void Display_shows_escaped_bytes_as_hex()
    {
        Assert.Equal("caf\\xe9.txt", FileNameEncoding.Display([0x63, 0x61, 0x66, 0xE9, 0x2E, 0x74, 0x78, 0x74]));
        Assert.Equal("plain é", FileNameEncoding.Display("plain é"));
    }

    [Fact]
    public void Byte_order_is_the_order_of_the_encoded_bytes()
    {
        byte[][] names =
        [
            [0x61], [0x7A], [0xC3, 0xA9], [0xE4, 0xB8, 0x80], [0xE9], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBD], [0xF0, 0x9F, 0x98, 0x80], [0xFF], [0xE9, 0x61],
        ];
        var expected = names.OrderBy(n => n, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).Select(n => FileNameEncoding.Decode(n)).ToList();
        var sorted = names.Select(n => FileNameEncoding.Decode(n)).Reverse().ToList();
        sorted.Sort(FileNameEncoding.ByteOrder);
        Assert.Equal(expected, sorted);
    }

    [Fact]
    public void A_lone_surrogate_that_stands_for_no_byte_is_refused()
    {
        Assert.Throws<ArgumentException>(() => FileNameEncoding.Encode("a\uD800b"));
        Assert.Throws<ArgumentException>(() => FileNameEncoding.Encode("a\uDC20"));
    }

    private static void AssertRoundTrip(byte[] bytes)
    {
        var name = FileNameEncoding.Decode(bytes);
        Assert.Equal(bytes, FileNameEncoding.Encode(name));
        Assert.Equal(bytes.Length, FileNameEncoding.GetByteCount(name));
    }
}
