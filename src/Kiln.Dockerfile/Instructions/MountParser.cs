using System.Globalization;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>parseMount</c> for one <c>--mount</c> value: CSV fields of <c>key=value</c> (or a bare
/// <c>ro</c>/<c>rw</c>/<c>readonly</c>/<c>readwrite</c>/<c>required</c>), keys case-insensitive, options
/// applied left to right (so <c>required</c> must come after <c>type=secret</c>, as in BuildKit).
/// Without an expander (parse time) a value that needs expansion is deferred, as BuildKit defers every
/// value; with one (dispatch time) each value is expanded first.
/// </summary>
internal static class MountParser
{
    private static readonly string[] TypeNames = ["bind", "cache", "tmpfs", "secret", "ssh"];
    private static readonly string[] SharingNames = ["shared", "private", "locked"];
    private static readonly string[] OptionNames =
    [
        "type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode", "uid", "gid",
        "src", "dst", "destination", "ro", "rw", "readwrite", "env",
    ];

    public static RunMount? Parse(string spec, Func<string, string?>? expand, SourceSpan span, List<Diagnostic> diagnostics)
    {
        if (!CsvFields.TrySplit(spec, out var fields, out var csvError))
        {
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.MountInvalidCsv, $"failed to parse csv mounts: {csvError} in '{spec}'", span));
            return null;
        }

        var state = new State();
        foreach (var field in fields)
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = (equals >= 0 ? field[..equals] : field).ToLowerInvariant();
            if (equals < 0)
            {
                var bare = ApplyBare(state, key, field, span);
                if (bare is not null)
                {
                    diagnostics.Add(bare);
                    return null;
                }

                continue;
            }

            var value = field[(equals + 1)..];
            if (expand is null)
            {
                if (key == "from" && value.IndexOf('$', StringComparison.Ordinal) is var dollar && dollar >= 0 && dollar != value.Length - 1)
                {
                    diagnostics.Add(Diagnostic.Error(
                        DiagnosticCodes.MountFromVariable,
                        "'from' doesn't support variable expansion, define alias stage instead",
                        span));
                    return null;
                }

                if (NeedsExpansion(value))
                {
                    state.Deferred = true;
                    state.TypeDeferred |= key == "type";
                    continue;
                }
            }
            else
            {
                var expanded = expand(value);
                if (expanded is null)
                {
                    return null;
                }

                value = expanded;
            }

            var problem = Apply(state, key, value, field, span);
            if (problem is not null)
            {
                diagnostics.Add(problem);
                return null;
            }
        }

        return state.Deferred ? Build(spec, state, resolved: false) : Finish(spec, state, span, diagnostics);
    }

    /// <summary>Values with a <c>$</c>, a quote or an escape character change under expansion; everything else is literal.</summary>
    internal static bool NeedsExpansion(string value) => value.AsSpan().IndexOfAny("$'\"\\`") >= 0;

    private static Diagnostic? ApplyBare(State state, string key, string field, SourceSpan span)
    {
        switch (key)
        {
            case "readonly" or "ro":
                state.ReadOnly = true;
                state.ReadOnlyAuto = false;
                return null;
            case "readwrite" or "rw":
                state.ReadOnly = false;
                state.ReadOnlyAuto = false;
                return null;
            case "required":
                return ApplyRequired(state, key, true, span);
            default:
                if (Array.IndexOf(OptionNames, key) < 0)
                {
                    return Unknown(key, field, span);
                }

                return Diagnostic.Error(DiagnosticCodes.MountOptionNeedsValue, $"invalid field '{field}' must be a key=value pair", span);
        }
    }

    private static Diagnostic? ApplyRequired(State state, string key, bool value, SourceSpan span)
    {
        if (state.TypeDeferred)
        {
            state.Deferred = true;
            return null;
        }

        if (state.Type is not (MountType.Secret or MountType.Ssh))
        {
            return NotAllowed(key, state, span);
        }

        state.Required = value;
        return null;
    }

    private static Diagnostic? Apply(State state, string key, string value, string field, SourceSpan span)
    {
        switch (key)
        {
            case "type":
                var type = value.ToLowerInvariant() switch
                {
                    "bind" => MountType.Bind,
                    "cache" => MountType.Cache,
                    "tmpfs" => MountType.Tmpfs,
                    "secret" => MountType.Secret,
                    "ssh" => MountType.Ssh,
                    _ => (MountType?)null,
                };
                if (type is null)
                {
                    var message = SpellingSuggester.WithSuggestion($"unsupported mount type \"{value}\"", value, TypeNames);
                    return Diagnostic.Error(DiagnosticCodes.MountUnknownType, message + "; use bind, cache, tmpfs, secret or ssh", span);
                }

                state.Type = type.Value;
                state.TypeDeferred = false;
                return null;
            case "from":
                state.From = value;
                return null;
            case "source" or "src":
                state.Source = value;
                return null;
            case "target" or "dst" or "destination":
                state.Target = value;
                return null;
            case "readonly" or "ro":
                if (!TryParseGoBool(value, out var ro))
                {
                    return InvalidBoolean(key, value, span);
                }

                state.ReadOnly = ro;
                state.ReadOnlyAuto = false;
                return null;
            case "readwrite" or "rw":
                if (!TryParseGoBool(value, out var rw))
                {
                    return InvalidBoolean(key, value, span);
                }

                state.ReadOnly = !rw;
                state.ReadOnlyAuto = false;
                return null;
            case "required":
                return TryParseGoBool(value, out var required) ? ApplyRequired(state, key, required, span) : InvalidBoolean(key, value, span);
            case "size":
                if (state.TypeDeferred)
                {
                    state.Deferred = true;
                    return null;
                }

                if (state.Type != MountType.Tmpfs)
                {
                    return NotAllowed(key, state, span);
                }

                if (!ByteSize.TryParse(value, out var size))
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidSize, $"invalid value for size: {value} (expected bytes or a size like 64m, 1g)", span);
                }

                state.SizeLimit = size;
                return null;
            case "id":
                state.Id = value;
                return null;
            case "sharing":
                var sharing = value.ToLowerInvariant() switch
                {
                    "shared" => MountSharing.Shared,
                    "private" => MountSharing.Private,
                    "locked" => MountSharing.Locked,
                    _ => (MountSharing?)null,
                };
                if (sharing is null)
                {
                    var message = SpellingSuggester.WithSuggestion($"unsupported sharing value \"{value}\"", value, SharingNames);
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidSharing, message + "; use shared, private or locked", span);
                }

                state.Sharing = sharing;
                return null;
            case "mode":
                if (!TryParseUInt(value, 8, out var mode))
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidMode, $"invalid value {value} for mode (expected an octal number such as 0755)", span);
                }

                state.Mode = mode;
                return null;
            case "uid":
                if (!TryParseUInt(value, 10, out var uid))
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidUid, $"invalid value {value} for uid (expected a number)", span);
                }

                if (uid > MaxId)
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidUid, $"invalid value {value} for uid: {IdRangeError}", span);
                }

                state.Uid = uid;
                return null;
            case "gid":
                if (!TryParseUInt(value, 10, out var gid))
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidGid, $"invalid value {value} for gid (expected a number)", span);
                }

                if (gid > MaxId)
                {
                    return Diagnostic.Error(DiagnosticCodes.MountInvalidGid, $"invalid value {value} for gid: {IdRangeError}", span);
                }

                state.Gid = gid;
                return null;
            case "env":
                state.Env = value;
                return null;
            default:
                return Unknown(key, field, span);
        }
    }

    private static RunMount? Finish(string spec, State state, SourceSpan span, List<Diagnostic> diagnostics)
    {
        var fileInfoAllowed = state.Type is MountType.Secret or MountType.Ssh or MountType.Cache;
        string? notAllowed = !fileInfoAllowed && state.Mode is not null ? "mode"
            : !fileInfoAllowed && state.Uid is not null ? "uid"
            : !fileInfoAllowed && state.Gid is not null ? "gid"
            : null;
        if (notAllowed is not null)
        {
            diagnostics.Add(Diagnostic.Error(
                DiagnosticCodes.MountOptionNotAllowed,
                $"{notAllowed} not allowed for \"{TypeName(state.Type)}\" type mounts (only cache, secret and ssh)",
                span));
            return null;
        }

        if (state.ReadOnlyAuto)
        {
            state.ReadOnly = state.Type is not (MountType.Cache or MountType.Tmpfs);
        }

        if (state.Type == MountType.Secret)
        {
            if (state.From is { Length: > 0 })
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.SecretMountWithFrom, "secret mount should not have a from", span));
                return null;
            }

            if (state.Sharing is not null)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.MountOptionNotAllowed, "secret mount should not define sharing", span));
                return null;
            }

            if (string.IsNullOrEmpty(state.Source) && string.IsNullOrEmpty(state.Target) && string.IsNullOrEmpty(state.Id))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.SecretMountWithoutId, "invalid secret mount. one of source, target required (or id=)", span));
                return null;
            }

            if (!string.IsNullOrEmpty(state.Source) && !string.IsNullOrEmpty(state.Id))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.SecretMountSourceAndId, "both source and id can't be set", span));
                return null;
            }
        }

        if (state.Sharing is not null && state.Type != MountType.Cache)
        {
            diagnostics.Add(Diagnostic.Error(
                DiagnosticCodes.MountOptionNotAllowed,
                $"invalid cache sharing set for {TypeName(state.Type)} mount (sharing= applies to type=cache only)",
                span));
            return null;
        }

        if (state.Type is MountType.Bind or MountType.Cache or MountType.Tmpfs)
        {
            if (string.IsNullOrEmpty(state.Target))
            {
                // BuildKit joins an empty target to the working directory and rejects "/".
                diagnostics.Add(Diagnostic.Warning(
                    DiagnosticCodes.MountWithoutTarget,
                    $"{TypeName(state.Type)} mount '{spec}' has no target=; it will be mounted on the working directory",
                    span));
            }
            else if (state.Target.All(c => c == '/'))
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.MountInvalidTarget, $"invalid mount target \"{state.Target}\"", span));
                return null;
            }
        }

        return Build(spec, state, resolved: true);
    }

    private static RunMount Build(string spec, State state, bool resolved) => new(
        spec,
        state.Type,
        state.From,
        state.Source,
        state.Target,
        state.ReadOnlyAuto ? state.Type is not (MountType.Cache or MountType.Tmpfs) : state.ReadOnly,
        state.SizeLimit,
        state.Id,
        state.Sharing,
        state.Required,
        state.Env,
        state.Mode,
        state.Uid,
        state.Gid,
        resolved);

    private static Diagnostic Unknown(string key, string field, SourceSpan span) =>
        Diagnostic.Error(
            DiagnosticCodes.MountUnknownOption,
            SpellingSuggester.WithSuggestion($"unexpected key '{key}' in '{field}'", key, OptionNames),
            span);

    private static Diagnostic NotAllowed(string key, State state, SourceSpan span) =>
        Diagnostic.Error(DiagnosticCodes.MountOptionNotAllowed, $"unexpected key '{key}' for mount type '{TypeName(state.Type)}'", span);

    private static Diagnostic InvalidBoolean(string key, string value, SourceSpan span) =>
        Diagnostic.Error(DiagnosticCodes.MountInvalidBoolean, $"invalid value for {key}: {value} (expected true or false)", span);

    internal static string TypeName(MountType type) => type switch
    {
        MountType.Bind => "bind",
        MountType.Cache => "cache",
        MountType.Tmpfs => "tmpfs",
        MountType.Secret => "secret",
        MountType.Ssh => "ssh",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Go's <c>strconv.ParseBool</c>: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.</summary>
    internal static bool TryParseGoBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Go's <c>strconv.ParseUint(text, base, 32)</c> for base 8 or 10 (no sign, no prefix, underscores not allowed).</summary>
    /// <summary>
    /// The uid/gid range of runc's user package, as Kiln.Oci's UserId holds it for the engine (the frontend depends on
    /// nothing): BuildKit takes any 32-bit number, and 4294967295, which chown takes as "leave unchanged", leaves the
    /// mount root's.
    /// </summary>
    private const uint MaxId = int.MaxValue;

    private const string IdRangeError = "uids and gids must be in range 0-2147483647";

    private static bool TryParseUInt(string text, int numberBase, out uint value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return false;
        }

        ulong accumulator = 0;
        foreach (var c in text)
        {
            var digit = c - '0';
            if (digit < 0 || digit >= numberBase)
            {
                return false;
            }

            accumulator = (accumulator * (ulong)numberBase) + (ulong)digit;
            if (accumulator > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)accumulator;
        return true;
    }

    private sealed class State
    {
        public MountType Type { get; set; } = MountType.Bind;

        public bool TypeDeferred { get; set; }

        public bool Deferred { get; set; }

        public string? From { get; set; }

        public string? Source { get; set; }

        public string? Target { get; set; }

        public bool ReadOnly { get; set; }

        public bool ReadOnlyAuto { get; set; } = true;

        public long? SizeLimit { get; set; }

        public string? Id { get; set; }

        public MountSharing? Sharing { get; set; }

        public bool Required { get; set; }

        public string? Env { get; set; }

        public uint? Mode { get; set; }

        public uint? Uid { get; set; }

        public uint? Gid { get; set; }
    }
}
