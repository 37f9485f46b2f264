using System.Text;

namespace Kiln.Conformance.Shell;

/// <summary>Reads a <c>buildkit-shell</c> corpus file as strict UTF-8, split into lines like Go's bufio.Scanner.</summary>
internal static class ShellCorpusFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string[] ReadLines(string name)
    {
        var text = StrictUtf8.GetString(File.ReadAllBytes(Corpus.PathOf("buildkit-shell", name)));
        var lines = text.Split('\n');

        // A final newline ends the last line; it does not start an empty one.
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
