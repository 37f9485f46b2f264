namespace Kiln.Dockerfile.Diagnostics;

public static partial class DiagnosticCodes
{
    /// <summary>A .dockerignore pattern is a lone <c>!</c> (an exclusion of nothing); BuildKit rejects the whole file.</summary>
    public const string IgnoreLoneExclamation = "DF5001";

    /// <summary>A .dockerignore pattern is not valid Go <c>filepath.Match</c> syntax (bad character class, trailing <c>\</c>).</summary>
    public const string IgnoreBadPattern = "DF5002";
}
