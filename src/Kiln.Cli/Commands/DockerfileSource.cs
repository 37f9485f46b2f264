using System.Text;

namespace Kiln.Cli.Commands;

/// <summary>The Dockerfile's text and the name to show the user, read from a file or standard input.</summary>
internal sealed record DockerfileSource(string DisplayName, string Text)
{
    /// <summary>
    /// <c>-f</c> is relative to the working directory, as with docker; without it the file is
    /// CONTEXT/Dockerfile. Returns null after printing an error.
    /// </summary>
    public static DockerfileSource? Read(string contextPath, string? dockerfilePath, TextWriter error)
    {
        if (dockerfilePath == "-")
        {
            using var stdin = Console.OpenStandardInput();
            return new DockerfileSource("Dockerfile", Decode(ReadAll(stdin)));
        }

        var path = dockerfilePath ?? Path.Combine(contextPath, "Dockerfile");
        try
        {
            return new DockerfileSource(Path.GetFileName(path), Decode(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ERROR: failed to read dockerfile {path}: {e.Message}");
            return null;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    // The parser handles the BOM itself (it must know it was there for directive rules), so decode without stripping it.
    private static string Decode(byte[] bytes) => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes);
}
