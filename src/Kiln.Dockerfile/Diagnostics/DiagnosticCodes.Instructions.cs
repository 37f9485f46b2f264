namespace Kiln.Dockerfile.Diagnostics;

// DF3xxx: typed instructions, their flags, and the values validated after variable expansion.
public static partial class DiagnosticCodes
{
    /// <summary>The keyword is not a Dockerfile instruction (<c>FORM alpine</c>).</summary>
    public const string UnknownInstruction = "DF3001";

    /// <summary>The instruction does not accept this flag (<c>COPY --form=x</c>).</summary>
    public const string UnknownFlag = "DF3002";

    /// <summary>A flag that may appear once was given twice.</summary>
    public const string DuplicateFlag = "DF3003";

    /// <summary>A string flag without <c>=value</c>, or a boolean flag written <c>--link=</c>.</summary>
    public const string FlagMissingValue = "DF3004";

    /// <summary>A boolean flag with a value other than true or false.</summary>
    public const string FlagExpectsBoolean = "DF3005";

    /// <summary>A flag word that does not start with <c>--</c>.</summary>
    public const string MalformedFlag = "DF3006";

    /// <summary>Warning: flags on an instruction that ignores them (ARG, STOPSIGNAL, HEALTHCHECK NONE), as BuildKit silently does.</summary>
    public const string FlagsIgnored = "DF3007";

    /// <summary>The instruction needs at least one argument.</summary>
    public const string RequiresAtLeastOneArgument = "DF3010";

    /// <summary>The instruction needs exactly one argument.</summary>
    public const string RequiresExactlyOneArgument = "DF3011";

    /// <summary>COPY/ADD with fewer than two arguments: no destination.</summary>
    public const string MissingDestination = "DF3012";

    /// <summary>FROM with other than one argument or three arguments of the form <c>image AS name</c>.</summary>
    public const string FromArgumentCount = "DF3013";

    /// <summary>A stage name that does not match <c>^[a-z][a-z0-9-_.]*$</c>.</summary>
    public const string InvalidStageName = "DF3014";

    /// <summary>An ENV, LABEL or ARG with an empty name.</summary>
    public const string BlankName = "DF3015";

    /// <summary>ENV/LABEL arguments that are not name/value triples (malformed syntax input).</summary>
    public const string MalformedNameValues = "DF3016";

    /// <summary>A heredoc used as the COPY/ADD destination.</summary>
    public const string HeredocAsDestination = "DF3017";

    /// <summary>An empty VOLUME path.</summary>
    public const string EmptyVolume = "DF3018";

    /// <summary><c>ONBUILD ONBUILD</c>.</summary>
    public const string OnbuildChaining = "DF3020";

    /// <summary><c>ONBUILD FROM</c> or <c>ONBUILD MAINTAINER</c>.</summary>
    public const string OnbuildTriggerNotAllowed = "DF3021";

    /// <summary>SHELL not in JSON (exec) form.</summary>
    public const string ShellRequiresJson = "DF3022";

    /// <summary><c>HEALTHCHECK NONE</c> followed by arguments.</summary>
    public const string HealthcheckNoneWithArguments = "DF3023";

    /// <summary><c>HEALTHCHECK CMD</c> without a command.</summary>
    public const string HealthcheckMissingCommand = "DF3024";

    /// <summary>HEALTHCHECK with a type other than CMD or NONE.</summary>
    public const string HealthcheckUnknownType = "DF3025";

    /// <summary>A HEALTHCHECK duration that is not a Go duration (<c>--interval=5</c>).</summary>
    public const string InvalidDuration = "DF3026";

    /// <summary>A HEALTHCHECK duration that is negative or shorter than 1ms (zero means "default" and is allowed).</summary>
    public const string DurationTooShort = "DF3027";

    /// <summary><c>--retries</c> that is not a 32-bit integer.</summary>
    public const string InvalidRetries = "DF3028";

    /// <summary>Negative <c>--retries</c>.</summary>
    public const string NegativeRetries = "DF3029";

    /// <summary><c>RUN --network</c> other than default, none or host.</summary>
    public const string InvalidNetwork = "DF3030";

    /// <summary><c>RUN --security</c> other than sandbox or insecure.</summary>
    public const string InvalidSecurity = "DF3031";

    /// <summary>A <c>--mount</c> value that is not valid CSV (e.g. an unterminated quote).</summary>
    public const string MountInvalidCsv = "DF3040";

    /// <summary>A mount <c>type=</c> other than bind, cache, tmpfs, secret or ssh.</summary>
    public const string MountUnknownType = "DF3041";

    /// <summary>A mount option BuildKit does not know.</summary>
    public const string MountUnknownOption = "DF3042";

    /// <summary>A mount option written without <c>=value</c> that needs one.</summary>
    public const string MountOptionNeedsValue = "DF3043";

    /// <summary>A mount boolean option (ro, rw, readonly, readwrite, required) with a non-boolean value.</summary>
    public const string MountInvalidBoolean = "DF3044";

    /// <summary>A mount <c>sharing=</c> other than shared, private or locked.</summary>
    public const string MountInvalidSharing = "DF3045";

    /// <summary>A mount <c>mode=</c> that is not an octal number.</summary>
    public const string MountInvalidMode = "DF3046";

    /// <summary>A mount <c>uid=</c> that is not a 32-bit unsigned number.</summary>
    public const string MountInvalidUid = "DF3047";

    /// <summary>A mount <c>gid=</c> that is not a 32-bit unsigned number.</summary>
    public const string MountInvalidGid = "DF3048";

    /// <summary>A tmpfs <c>size=</c> that is not a size (<c>64m</c>, <c>1g</c>, bytes).</summary>
    public const string MountInvalidSize = "DF3049";

    /// <summary>A mount option not allowed for the mount's type (size on bind, mode on tmpfs, sharing on secret, ...).</summary>
    public const string MountOptionNotAllowed = "DF3050";

    /// <summary>A mount <c>from=</c> that uses a variable (BuildKit refuses it).</summary>
    public const string MountFromVariable = "DF3051";

    /// <summary>A secret mount with a <c>from=</c>.</summary>
    public const string SecretMountWithFrom = "DF3052";

    /// <summary>A secret mount with none of id, source or target.</summary>
    public const string SecretMountWithoutId = "DF3053";

    /// <summary>A secret mount with both <c>source=</c> and <c>id=</c>.</summary>
    public const string SecretMountSourceAndId = "DF3054";

    /// <summary>A bind, cache or tmpfs mount whose target is <c>/</c>.</summary>
    public const string MountInvalidTarget = "DF3055";

    /// <summary>Warning: a bind, cache or tmpfs mount without a target; BuildKit mounts it on the working directory (and fails when that is <c>/</c>).</summary>
    public const string MountWithoutTarget = "DF3056";

    /// <summary>A <c>--device</c> value that is invalid (bad CSV, unknown option, name set twice, non-boolean required).</summary>
    public const string InvalidDevice = "DF3057";

    /// <summary>A <c>--chmod</c> that is neither octal up to 07777 nor a valid symbolic mode.</summary>
    public const string InvalidChmod = "DF3060";

    /// <summary>A <c>COPY --from</c> that uses a variable the global ARGs do not resolve.</summary>
    public const string CopyFromVariable = "DF3061";

    /// <summary><c>ADD --checksum</c> with several sources, or with a source that is not HTTP(S) or git.</summary>
    public const string InvalidChecksumUse = "DF3062";

    /// <summary>An EXPOSE port that is not a number in 1..65535 (or 0..65535 where Docker accepts it).</summary>
    public const string InvalidPort = "DF3070";

    /// <summary>An EXPOSE protocol other than tcp, udp or sctp.</summary>
    public const string InvalidPortProtocol = "DF3071";

    /// <summary>An EXPOSE range whose end is before its start.</summary>
    public const string InvalidPortRange = "DF3072";

    /// <summary>A STOPSIGNAL that is not a known signal name or a positive number.</summary>
    public const string InvalidSignal = "DF3075";

    /// <summary>Variable expansion failed (e.g. <c>${X:?required}</c> with X unset, or a bad substitution).</summary>
    public const string ExpansionFailed = "DF3080";

    /// <summary>FROM whose image name expands to the empty string.</summary>
    public const string BlankBaseName = "DF3081";
}
