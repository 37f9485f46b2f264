namespace Kiln.Build.Solver;

/// <summary>Stable codes of build-time errors (the frontend's codes are DF...; the engine's are KB...).</summary>
public static class BuildErrorCodes
{
    /// <summary>A flag or feature the frontend accepts but the engine does not run yet.</summary>
    public const string NotSupportedYet = "KB1001";

    /// <summary>A RUN exited with a non-zero code.</summary>
    public const string RunFailed = "KB1002";

    /// <summary>A step failed for another reason (a missing COPY source, an I/O error...).</summary>
    public const string StepFailed = "KB1003";

    /// <summary>A base image could not be found or pulled.</summary>
    public const string BaseImage = "KB1004";

    /// <summary>A step needs an entitlement the build was not given (<c>--allow</c>).</summary>
    public const string EntitlementNotGranted = "KB1005";

    /// <summary>A stage named on the command line (<c>--no-cache-filter</c>) that the Dockerfile does not have.</summary>
    public const string UnknownStage = "KB1006";
}
