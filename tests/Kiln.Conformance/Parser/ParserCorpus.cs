using System.Text;
using System.Text.Json;

namespace Kiln.Conformance.Parser;

/// <summary>Reads the <c>buildkit-parser</c> corpus: files as strict UTF-8 (a BOM stays in the text), JSON tables as documents.</summary>
internal static class ParserCorpus
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string PathOf(params string[] parts) => Corpus.PathOf(["buildkit-parser", .. parts]);

    public static string ReadText(params string[] parts) => StrictUtf8.GetString(File.ReadAllBytes(PathOf(parts)));

    public static JsonElement ReadJson(string fileName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf("extra", fileName)));
        return document.RootElement.Clone();
    }

    public static TheoryData<string> CaseDirectories(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(PathOf(folder)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    public static TheoryData<int> Indexes(int count)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
