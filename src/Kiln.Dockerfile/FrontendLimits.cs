namespace Kiln.Dockerfile;

/// <summary>
/// How much of a Dockerfile the frontend takes on, so a hostile or broken file is an error that names the limit
/// instead of a process out of memory or busy for hours. Each is far above any real Dockerfile.
/// </summary>
public static class FrontendLimits
{
    /// <summary>
    /// The largest Dockerfile read, in bytes (16 MiB). BuildKit has no limit of its own: it reads the file whole, and
    /// its parser only stops at a line of 64 KiB (<see cref="MaxLineBytes"/>).
    /// </summary>
    public const int MaxDockerfileBytes = 16 * 1024 * 1024;

    /// <summary>A physical line of this many UTF-8 bytes or more stops the parser, as BuildKit's <c>bufio.Scanner</c> does.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// The longest word an expansion may make, in characters (1 MiB). BuildKit has none, and runs out of memory on an
    /// ARG that is ten times the one before it, ten times over.
    /// </summary>
    public const int MaxExpandedWordLength = 1024 * 1024;

    /// <summary>
    /// How much expanding one Dockerfile may do (64 Mi): every character an expansion makes (counted again at each
    /// quote or <c>${v:-...}</c> it passes out of, so the bound is conservative), plus every step of matching the
    /// patterns of <c>${v#p}</c>, <c>${v%p}</c> and <c>${v/p/r}</c>.
    /// </summary>
    public const long MaxExpansionWork = 64L * 1024 * 1024;
}
