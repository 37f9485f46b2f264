using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// BuildKit's <c>instructions.ParseInstruction</c>: turns one <see cref="InstructionSyntax"/> into a typed
/// <see cref="Instruction"/>, checking flags (BuildKit's BFlags rules) and argument counts, in BuildKit's
/// order, stopping at the first error. Never throws on user input.
/// </summary>
public static partial class InstructionParser
{
    /// <summary>Every instruction keyword, lower-case (BuildKit's <c>command.Commands</c>).</summary>
    public static ImmutableArray<string> InstructionNames { get; } =
    [
        "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer",
        "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir",
    ];

    public static InstructionParseResult Parse(InstructionSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var request = new Request(syntax);
        var instruction = syntax.Name switch
        {
            "env" => ParseEnv(request),
            "maintainer" => ParseMaintainer(request),
            "label" => ParseLabel(request),
            "add" => ParseAdd(request),
            "copy" => ParseCopy(request),
            "from" => ParseFrom(request),
            "onbuild" => ParseOnbuild(request),
            "workdir" => ParseWorkdir(request),
            "run" => ParseRun(request),
            "cmd" => ParseCmd(request),
            "healthcheck" => ParseHealthcheck(request),
            "entrypoint" => ParseEntrypoint(request),
            "expose" => ParseExpose(request),
            "user" => ParseUser(request),
            "volume" => ParseVolume(request),
            "stopsignal" => ParseStopSignal(request),
            "arg" => ParseArg(request),
            "shell" => ParseShell(request),
            _ => request.Fail(
                DiagnosticCodes.UnknownInstruction,
                SpellingSuggester.WithSuggestion($"unknown instruction: {syntax.Keyword}", syntax.Keyword, InstructionNames, caseSensitive: false)),
        };
        return new InstructionParseResult(instruction, [.. request.Diagnostics]);
    }

    private static EnvInstruction? ParseEnv(Request request)
    {
        if (!request.ParseFlags())
        {
            return null;
        }

        var pairs = ParseNameValues(request, "ENV");
        return pairs is null ? null : new EnvInstruction(pairs.Value) { Span = request.Span, Original = request.Original };
    }

    private static LabelInstruction? ParseLabel(Request request)
    {
        if (!request.ParseFlags())
        {
            return null;
        }

        var pairs = ParseNameValues(request, "LABEL");
        return pairs is null ? null : new LabelInstruction(pairs.Value) { Span = request.Span, Original = request.Original };
    }

    private static ImmutableArray<NameValue>? ParseNameValues(Request request, string command)
    {
        var args = request.Args;
        if (args.Count == 0)
        {
            request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, $"{command} requires at least one argument");
            return null;
        }

        // The line parser yields (name, value, "=") triples, or (name, value, "") for the legacy form.
        if (args.Count % 3 != 0)
        {
            request.Fail(DiagnosticCodes.MalformedNameValues, $"Bad input to {command}, too many arguments");
            return null;
        }

        var builder = ImmutableArray.CreateBuilder<NameValue>(args.Count / 3);
        for (var i = 0; i < args.Count; i += 3)
        {
            if (args[i].Length == 0)
            {
                request.Fail(DiagnosticCodes.BlankName, $"{command} names can not be blank");
                return null;
            }

            builder.Add(new NameValue(args[i], args[i + 1], args[i + 2].Length == 0));
        }

        return builder.MoveToImmutable();
    }

    private static Instruction? ParseMaintainer(Request request)
    {
        if (request.Args.Count != 1)
        {
            return request.Fail(DiagnosticCodes.RequiresExactlyOneArgument, "MAINTAINER requires exactly one argument");
        }

        return request.ParseFlags() ? new MaintainerInstruction(request.Args[0]) { Span = request.Span, Original = request.Original } : null;
    }

    private static Instruction? ParseAdd(Request request)
    {
        if (request.Args.Count < 2)
        {
            return request.Fail(DiagnosticCodes.MissingDestination, NoDestination("ADD"));
        }

        var excludes = request.Flags.AddStrings("exclude");
        var chown = request.Flags.AddString("chown");
        var chmod = request.Flags.AddString("chmod");
        var link = request.Flags.AddBool("link");
        var keepGitDir = request.Flags.AddBool("keep-git-dir");
        var checksum = request.Flags.AddString("checksum");
        var unpack = request.Flags.AddBool("unpack");
        if (!request.ParseFlags() || !TrySourcesAndDestination(request, "ADD", out var sources, out var contents, out var destination)
            || !TryChmod(request, chmod, out var parsedChmod))
        {
            return null;
        }

        return new AddInstruction(
            sources,
            contents,
            destination,
            NullIfEmpty(chown.Value),
            parsedChmod,
            NullIfEmpty(chmod.Value),
            link.IsTrue,
            keepGitDir.IsTrue,
            NullIfEmpty(checksum.Value),
            unpack.IsUsed ? unpack.IsTrue : null,
            [.. excludes.Values])
        { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseCopy(Request request)
    {
        if (request.Args.Count < 2)
        {
            return request.Fail(DiagnosticCodes.MissingDestination, NoDestination("COPY"));
        }

        var excludes = request.Flags.AddStrings("exclude");
        var parents = request.Flags.AddBool("parents");
        var chown = request.Flags.AddString("chown");
        var from = request.Flags.AddString("from");
        var chmod = request.Flags.AddString("chmod");
        var link = request.Flags.AddBool("link");
        if (!request.ParseFlags() || !TrySourcesAndDestination(request, "COPY", out var sources, out var contents, out var destination)
            || !TryChmod(request, chmod, out var parsedChmod))
        {
            return null;
        }

        return new CopyInstruction(
            sources,
            contents,
            destination,
            NullIfEmpty(from.Value),
            NullIfEmpty(chown.Value),
            parsedChmod,
            NullIfEmpty(chmod.Value),
            link.IsTrue,
            parents.IsTrue,
            [.. excludes.Values])
        { Span = request.Span, Original = request.Original };
    }

    private static string NoDestination(string command) =>
        $"{command} requires at least two arguments, but only one was provided. Destination could not be determined";

    private static bool TryChmod(Request request, InstructionFlag flag, out Chmod? chmod)
    {
        chmod = null;
        // BuildKit checks --chmod after expansion; a literal value can be checked now.
        if (flag.Value.Length == 0 || MountParser.NeedsExpansion(flag.Value))
        {
            return true;
        }

        if (ChmodParser.TryParse(flag.Value, out chmod, out var error))
        {
            return true;
        }

        request.Fail(DiagnosticCodes.InvalidChmod, error!);
        return false;
    }

    private static bool TrySourcesAndDestination(
        Request request,
        string command,
        out ImmutableArray<string> sources,
        out ImmutableArray<HeredocSource> contents,
        out string destination)
    {
        var args = request.Args;
        destination = args[^1];
        sources = [];
        contents = [];
        if (HeredocWord.TryParse(destination, out _, out _))
        {
            request.Fail(DiagnosticCodes.HeredocAsDestination, $"{command} cannot accept a heredoc as a destination");
            return false;
        }

        var paths = ImmutableArray.CreateBuilder<string>();
        var bodies = ImmutableArray.CreateBuilder<HeredocSource>();
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (HeredocWord.TryParse(args[i], out var name, out var chomp))
            {
                var heredoc = request.Heredocs.LastOrDefault(h => string.Equals(h.Name, name, StringComparison.Ordinal));
                var content = heredoc?.Content ?? "";
                bodies.Add(new HeredocSource(name, chomp ? HeredocWord.Chomp(content) : content, heredoc?.Expand ?? true));
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        sources = paths.ToImmutable();
        contents = bodies.ToImmutable();
        return true;
    }

    private static Instruction? ParseFrom(Request request)
    {
        var args = request.Args;
        string? stageName = null;
        if (args.Count == 3 && string.Equals(args[1], "as", StringComparison.OrdinalIgnoreCase))
        {
            stageName = args[2].ToLowerInvariant();
            if (!StageName().IsMatch(stageName))
            {
                return request.Fail(
                    DiagnosticCodes.InvalidStageName,
                    $"invalid name for build stage: \"{args[2]}\", name can't start with a number or contain symbols");
            }
        }
        else if (args.Count != 1)
        {
            var hint = args.Count == 3 ? $" (the second word must be AS, not \"{args[1]}\")" : " (FROM image [AS name])";
            return request.Fail(DiagnosticCodes.FromArgumentCount, "FROM requires either one or three arguments" + hint);
        }

        var platform = request.Flags.AddString("platform");
        return request.ParseFlags()
            ? new FromInstruction(args[0], stageName, NullIfEmpty(platform.Value)) { Span = request.Span, Original = request.Original }
            : null;
    }

    private static Instruction? ParseOnbuild(Request request)
    {
        var trigger = request.Syntax.Arguments.Select(a => a.Child).FirstOrDefault(c => c is not null);
        if (trigger is null)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "ONBUILD requires at least one argument");
        }

        if (!request.ParseFlags())
        {
            return null;
        }

        var keyword = trigger.Keyword.Trim().ToUpperInvariant();
        switch (keyword)
        {
            case "ONBUILD":
                return request.Fail(DiagnosticCodes.OnbuildChaining, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "MAINTAINER" or "FROM":
                return request.Fail(DiagnosticCodes.OnbuildTriggerNotAllowed, $"{keyword} isn't allowed as an ONBUILD trigger");
        }

        // The image config stores the trigger text; heredoc bodies are appended the way BuildKit does.
        var expression = OnbuildPrefix().Replace(request.Original, "", 1);
        var heredocs = request.Heredocs.IsDefaultOrEmpty ? trigger.Heredocs : request.Heredocs;
        foreach (var heredoc in heredocs.IsDefault ? [] : heredocs)
        {
            expression += "\n" + heredoc.Content + heredoc.Name;
        }

        return new OnbuildInstruction(expression, trigger) { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseWorkdir(Request request)
    {
        if (request.Args.Count != 1)
        {
            return request.Fail(DiagnosticCodes.RequiresExactlyOneArgument, "WORKDIR requires exactly one argument");
        }

        return request.ParseFlags() ? new WorkdirInstruction(request.Args[0]) { Span = request.Span, Original = request.Original } : null;
    }

    private static Instruction? ParseRun(Request request)
    {
        var devices = request.Flags.AddStrings("device");
        var mounts = request.Flags.AddStrings("mount");
        var network = request.Flags.AddString("network", "default");
        var security = request.Flags.AddString("security", "sandbox");
        if (!request.ParseFlags())
        {
            return null;
        }

        var parsedDevices = ImmutableArray.CreateBuilder<RunDevice>();
        foreach (var spec in devices.Values)
        {
            var device = DeviceParser.Parse(spec, request.Span, request.Diagnostics);
            if (device is null)
            {
                return null;
            }

            parsedDevices.Add(device);
        }

        var parsedMounts = ImmutableArray.CreateBuilder<RunMount>();
        foreach (var spec in mounts.Values)
        {
            var mount = MountParser.Parse(spec, expand: null, request.Span, request.Diagnostics);
            if (mount is null)
            {
                return null;
            }

            parsedMounts.Add(mount);
        }

        RunNetwork? parsedNetwork = network.Value switch
        {
            "default" => RunNetwork.Default,
            "none" => RunNetwork.None,
            "host" => RunNetwork.Host,
            _ => null,
        };
        if (parsedNetwork is null)
        {
            return request.Fail(
                DiagnosticCodes.InvalidNetwork,
                SpellingSuggester.WithSuggestion($"invalid network mode \"{network.Value}\"", network.Value, ["default", "none", "host"]) + "; use default, none or host");
        }

        RunSecurity? parsedSecurity = security.Value switch
        {
            "sandbox" => RunSecurity.Sandbox,
            "insecure" => RunSecurity.Insecure,
            _ => null,
        };
        if (parsedSecurity is null)
        {
            return request.Fail(
                DiagnosticCodes.InvalidSecurity,
                SpellingSuggester.WithSuggestion($"security \"{security.Value}\" is not valid", security.Value, ["sandbox", "insecure"]) + "; use sandbox or insecure");
        }

        return new RunInstruction(
            CommandLineOf(request),
            request.Heredocs.IsDefault ? [] : request.Heredocs,
            parsedMounts.ToImmutable(),
            parsedNetwork.Value,
            parsedSecurity.Value,
            parsedDevices.ToImmutable(),
            [.. request.Flags.Used])
        { Span = request.Span, Original = request.Original };
    }

    private static CommandLine CommandLineOf(Request request) =>
        new(JsonOrJoined(request.Args, request.Syntax.IsJson), !request.Syntax.IsJson);

    /// <summary>BuildKit's <c>handleJSONArgs</c>: exec form as is; shell form as one string joined by spaces.</summary>
    private static ImmutableArray<string> JsonOrJoined(IReadOnlyList<string> args, bool isJson)
    {
        if (args.Count == 0)
        {
            return [];
        }

        return isJson ? [.. args] : [string.Join(' ', args)];
    }

    private static CmdInstruction? ParseCmd(Request request) =>
        request.ParseFlags() ? new CmdInstruction(CommandLineOf(request)) { Span = request.Span, Original = request.Original } : null;

    private static EntrypointInstruction? ParseEntrypoint(Request request) =>
        request.ParseFlags() ? new EntrypointInstruction(CommandLineOf(request)) { Span = request.Span, Original = request.Original } : null;

    private static Instruction? ParseHealthcheck(Request request)
    {
        var args = request.Args;
        if (args.Count == 0)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "HEALTHCHECK requires at least one argument");
        }

        var type = args[0].ToUpperInvariant();
        var rest = args.Skip(1).ToList();
        if (type == "NONE")
        {
            if (rest.Count != 0)
            {
                return request.Fail(DiagnosticCodes.HealthcheckNoneWithArguments, "HEALTHCHECK NONE takes no arguments");
            }

            // BuildKit never parses the flags of HEALTHCHECK NONE, so they are silently ignored.
            request.WarnIgnoredFlags("HEALTHCHECK NONE");
            return new HealthcheckInstruction(["NONE"], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0)
            {
                Span = request.Span,
                Original = request.Original,
            };
        }

        var interval = request.Flags.AddString("interval");
        var timeout = request.Flags.AddString("timeout");
        var startPeriod = request.Flags.AddString("start-period");
        var startInterval = request.Flags.AddString("start-interval");
        var retries = request.Flags.AddString("retries");
        if (!request.ParseFlags())
        {
            return null;
        }

        if (type != "CMD")
        {
            var message = SpellingSuggester.WithSuggestion($"Unknown type \"{type}\" in HEALTHCHECK", type, ["CMD", "NONE"]);
            return request.Fail(DiagnosticCodes.HealthcheckUnknownType, message + " (try CMD)");
        }

        var command = JsonOrJoined(rest, request.Syntax.IsJson);
        if (command.IsEmpty)
        {
            return request.Fail(DiagnosticCodes.HealthcheckMissingCommand, "Missing command after HEALTHCHECK CMD");
        }

        if (!TryInterval(request, interval, out var intervalValue) || !TryInterval(request, timeout, out var timeoutValue)
            || !TryInterval(request, startPeriod, out var startPeriodValue) || !TryInterval(request, startInterval, out var startIntervalValue))
        {
            return null;
        }

        var retryCount = 0;
        if (retries.Value.Length > 0)
        {
            if (!int.TryParse(retries.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out retryCount))
            {
                return request.Fail(
                    DiagnosticCodes.InvalidRetries,
                    $"strconv.ParseInt: parsing \"{retries.Value}\": invalid syntax (--retries takes a whole number)");
            }

            if (retryCount < 0)
            {
                return request.Fail(DiagnosticCodes.NegativeRetries, $"--retries cannot be negative ({retryCount})");
            }
        }

        ImmutableArray<string> test = [request.Syntax.IsJson ? "CMD" : "CMD-SHELL", .. command];
        return new HealthcheckInstruction(test, intervalValue, timeoutValue, startPeriodValue, startIntervalValue, retryCount)
        {
            Span = request.Span,
            Original = request.Original,
        };
    }

    /// <summary>BuildKit's <c>parseOptInterval</c>: empty or zero is "default"; otherwise at least 1ms.</summary>
    private static bool TryInterval(Request request, InstructionFlag flag, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (flag.Value.Length == 0)
        {
            return true;
        }

        if (!GoDuration.TryParse(flag.Value, out var nanoseconds, out var error))
        {
            request.Fail(DiagnosticCodes.InvalidDuration, $"{error} for --{flag.Name} (use Go durations such as 30s, 1m30s, 500ms)");
            return false;
        }

        if (nanoseconds == 0)
        {
            return true;
        }

        if (nanoseconds < 1_000_000)
        {
            request.Fail(DiagnosticCodes.DurationTooShort, $"Interval \"{flag.Name}\" cannot be less than 1ms (got {flag.Value})");
            return false;
        }

        value = TimeSpan.FromTicks(nanoseconds / 100);
        return true;
    }

    private static Instruction? ParseExpose(Request request)
    {
        if (request.Args.Count == 0)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "EXPOSE requires at least one argument");
        }

        if (!request.ParseFlags())
        {
            return null;
        }

        // BuildKit sorts the raw words (Go's sort.Strings: ordinal) before anything else.
        var ports = request.Args.Order(StringComparer.Ordinal).ToImmutableArray();
        return new ExposeInstruction(ports, []) { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseUser(Request request)
    {
        if (request.Args.Count != 1)
        {
            return request.Fail(DiagnosticCodes.RequiresExactlyOneArgument, "USER requires exactly one argument");
        }

        return request.ParseFlags() ? new UserInstruction(request.Args[0]) { Span = request.Span, Original = request.Original } : null;
    }

    private static Instruction? ParseVolume(Request request)
    {
        if (request.Args.Count == 0)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "VOLUME requires at least one argument");
        }

        if (!request.ParseFlags())
        {
            return null;
        }

        var volumes = ImmutableArray.CreateBuilder<string>(request.Args.Count);
        foreach (var arg in request.Args)
        {
            var volume = arg.Trim();
            if (volume.Length == 0)
            {
                return request.Fail(DiagnosticCodes.EmptyVolume, "VOLUME specified can not be an empty string");
            }

            volumes.Add(volume);
        }

        return new VolumeInstruction(volumes.MoveToImmutable()) { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseStopSignal(Request request)
    {
        if (request.Args.Count != 1)
        {
            return request.Fail(DiagnosticCodes.RequiresExactlyOneArgument, "STOPSIGNAL requires exactly one argument");
        }

        request.WarnIgnoredFlags("STOPSIGNAL");
        return new StopSignalInstruction(request.Args[0]) { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseArg(Request request)
    {
        if (request.Args.Count == 0)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "ARG requires at least one argument");
        }

        request.WarnIgnoredFlags("ARG");
        var declarations = ImmutableArray.CreateBuilder<ArgDeclaration>(request.Args.Count);
        foreach (var arg in request.Args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                return request.Fail(DiagnosticCodes.BlankName, "ARG names can not be blank");
            }

            declarations.Add(equals < 0 ? new ArgDeclaration(arg, null) : new ArgDeclaration(arg[..equals], arg[(equals + 1)..]));
        }

        return new ArgInstruction(declarations.MoveToImmutable()) { Span = request.Span, Original = request.Original };
    }

    private static Instruction? ParseShell(Request request)
    {
        if (!request.ParseFlags())
        {
            return null;
        }

        var shell = JsonOrJoined(request.Args, request.Syntax.IsJson);
        if (shell.IsEmpty)
        {
            return request.Fail(DiagnosticCodes.RequiresAtLeastOneArgument, "SHELL requires at least one argument");
        }

        if (!request.Syntax.IsJson)
        {
            return request.Fail(
                DiagnosticCodes.ShellRequiresJson,
                $"SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"] (got: {shell[0]})");
        }

        return new ShellInstruction(shell) { Span = request.Span, Original = request.Original };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex("^[a-z][a-z0-9-_.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex StageName();

    [GeneratedRegex(@"^\s*ONBUILD\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OnbuildPrefix();
}
