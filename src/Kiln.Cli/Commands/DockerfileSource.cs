using System.Text;
using Kiln.Dockerfile;

namespace Kiln.Cli.Commands;

/// <summary>The Dockerfile's text and the name to show the user, read from a file or standard input.</summary>
internal sealed record DockerfileSource(string DisplayName, string Text)
{
    /// <summary>
    /// <c>-f</c> is relative to the working directory, as with docker; without it the file is CONTEXT/Dockerfile, or
    /// CONTEXT/dockerfile when only that exists (docker's CLI and BuildKit both fall back to it). At most
    /// <see cref="FrontendLimits.MaxDockerfileBytes"/> are read: <c>-f /dev/zero</c> is an error, not a process out
    /// of memory. Returns null after printing an error.
    /// </summary>
    public static DockerfileSource? Read(string contextPath, string? dockerfilePath, TextWriter error)
    {
        if (dockerfilePath == "-")
        {
            using var stdin = Console.OpenStandardInput();
            return FromStream(stdin, "Dockerfile", "standard input", error);
        }

        var path = dockerfilePath ?? DefaultPath(contextPath);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            return FromStream(file, Path.GetFileName(path), path, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ERROR: failed to read dockerfile {path}: {e.Message}");
            return null;
        }
    }

    private static string DefaultPath(string contextPath)
    {
        var path = Path.Combine(contextPath, "Dockerfile");
        var lower = Path.Combine(contextPath, "dockerfile");
        return !File.Exists(path) && File.Exists(lower) ? lower : path;
    }

    private static DockerfileSource? FromStream(Stream stream, string displayName, string what, TextWriter error)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, FrontendLimits.MaxDockerfileBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > FrontendLimits.MaxDockerfileBytes)
            {
                error.WriteLine($"ERROR: failed to read dockerfile {what}: it is larger than kiln's limit of {FrontendLimits.MaxDockerfileBytes / (1024 * 1024)} MiB");
                return null;
            }
        }

        // The parser handles the BOM itself (it must know it was there for directive rules), so decode without stripping it.
        return new DockerfileSource(displayName, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
