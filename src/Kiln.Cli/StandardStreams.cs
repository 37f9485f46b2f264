using System.Text;
using Kiln.Content.IO;

namespace Kiln.Cli;

/// <summary>
/// Standard output and error for the whole process, on <see cref="StandardStream"/>s that report a reader that went
/// away (SIGPIPE's case) instead of dropping what is written, as .NET's console streams do.
/// </summary>
internal static class StandardStreams
{
    private const int Output = 1;
    private const int Error = 2;

    private static Action s_brokenPipe = static () => { };

    /// <summary>Makes <see cref="Console.Out"/> and <see cref="Console.Error"/> call <paramref name="onBrokenPipe"/> when their reader is gone.</summary>
    public static void Install(Action onBrokenPipe)
    {
        s_brokenPipe = onBrokenPipe;
        Console.SetOut(Writer(Output));
        Console.SetError(Writer(Error));
    }

    /// <summary>Standard output as bytes (an archive written to <c>-</c>), with the same report.</summary>
    public static Stream OpenOutput() => new StandardStream(Output, () => s_brokenPipe());

    // Unbuffered, as the console's own writers are: progress and errors show at once.
    private static StreamWriter Writer(int descriptor) =>
        new(new StandardStream(descriptor, () => s_brokenPipe()), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
}
