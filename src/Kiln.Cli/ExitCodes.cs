namespace Kiln.Cli;

/// <summary>Exit codes, as scripts and CI read them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The Dockerfile, the context or an argument is wrong: the user has something to fix.</summary>
    public const int UserError = 1;

    /// <summary>Kiln itself failed to do something it should have managed (I/O, a bug).</summary>
    public const int InternalError = 2;
}
