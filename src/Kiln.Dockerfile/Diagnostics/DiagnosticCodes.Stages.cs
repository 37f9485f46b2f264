namespace Kiln.Dockerfile.Diagnostics;

// DF4xxx: stages, ARG scoping, targets and the dependencies between stages.
public static partial class DiagnosticCodes
{
    /// <summary>An instruction other than ARG before the first FROM.</summary>
    public const string InstructionBeforeFrom = "DF4001";

    /// <summary>The Dockerfile has no FROM at all.</summary>
    public const string NoStages = "DF4002";

    /// <summary>Two stages share a name (names compare case-insensitively).</summary>
    public const string DuplicateStageName = "DF4003";

    /// <summary><c>--target</c> names no stage.</summary>
    public const string TargetNotFound = "DF4004";

    /// <summary>FROM's image name is empty once ARGs are expanded.</summary>
    public const string BaseNameBlank = "DF4005";

    /// <summary>FROM names a stage that is only defined further down the file.</summary>
    public const string StageDefinedLater = "DF4006";

    /// <summary>An image reference (FROM, <c>--from</c>) that is not a valid reference.</summary>
    public const string InvalidImageReference = "DF4007";

    /// <summary><c>COPY --from</c> or <c>--mount from=</c> names the stage it is in.</summary>
    public const string StageReferencesItself = "DF4008";

    /// <summary><c>--from=N</c> with no stage N.</summary>
    public const string StageIndexOutOfRange = "DF4009";

    /// <summary>Stages that need each other, directly or through others.</summary>
    public const string CircularDependency = "DF4010";

    /// <summary>Expanding a FROM line or an ARG default failed (<c>${X:?message}</c>, bad syntax).</summary>
    public const string ArgExpansionFailed = "DF4011";

    /// <summary>Warning: a <c>--build-arg</c> that no ARG of the build declares.</summary>
    public const string UnusedBuildArg = "DF4012";

    /// <summary><c>--platform</c> is not os/arch[/variant].</summary>
    public const string InvalidPlatform = "DF4013";

    /// <summary>Warning: a name that is not a stage but looks like a misspelt one; it will be used as an image.</summary>
    public const string PossibleStageTypo = "DF4014";
}
