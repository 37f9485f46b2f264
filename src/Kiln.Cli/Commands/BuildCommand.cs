using System.Collections.Immutable;
using System.CommandLine;
using Kiln.Build.Cache;
using Kiln.Build.Context;
using Kiln.Build.Git;
using Kiln.Build.Export;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Build.Solver;
using Kiln.Cli.Rendering;
using Kiln.Content.Images;
using Kiln.Content.IO;
using Kiln.Content.Tar;
using Kiln.Dockerfile;
using Kiln.Dockerfile.Ignore;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;
using Kiln.Registry;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Snapshots;

namespace Kiln.Cli.Commands;

/// <summary><c>kiln build</c>, with <c>docker build</c>'s habits; <c>--check</c> only parses and binds.</summary>
internal static class BuildCommand
{
    /// <summary>Where the context stat cache lives: beside the build cache, and cleared with it by <c>kiln prune --all</c>.</summary>
    public static string FileDigestCacheDirectory(Kiln.Content.Store.StoreRoot root) => Path.Combine(root.Path, "cache", "files");

    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error, RootCheck rootCheck)
    {
        var check = new Option<bool>("--check")
        {
            Description = "Parse and bind the Dockerfile without building: exit 0 if it is valid, 1 with diagnostics otherwise",
        };
        var tags = new Option<string[]>("--tag", "-t")
        {
            Description = "Name the image NAME[:TAG] in the local store (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var file = new Option<string?>("--file", "-f")
        {
            Description = "Name of the Dockerfile (default: CONTEXT/Dockerfile; '-' reads it from standard input)",
        };
        var buildArgs = new Option<string[]>("--build-arg")
        {
            Description = "Set a build-time variable: K=V, or K to take its value from the environment",
            AllowMultipleArgumentsPerToken = false,
        };
        var target = new Option<string?>("--target") { Description = "Build the named stage and only what it needs" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the cache (results are still cached for later builds)" };
        var pull = new Option<bool>("--pull") { Description = "Always ask the registry for newer base images" };

        // docker build's defaults, accepted so that scripts written for it run: kiln never keeps an intermediate
        // container, so only the value that asks to keep them is refused.
        var remove = new Option<bool>("--rm") { Description = "Remove intermediate containers (always; --rm=false is not supported)", DefaultValueFactory = _ => true };
        var forceRemove = new Option<bool>("--force-rm") { Description = "Remove intermediate containers even after a failure (always)" };
        var platform = new Option<string?>("--platform") { Description = "The platform to build for (only this machine's is supported)" };
        var labels = new Option<string[]>("--label")
        {
            Description = "Set a label K=V on the image (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var network = new Option<string>("--network")
        {
            Description = "The network of RUN steps: default (the host's), none or host",
            DefaultValueFactory = _ => "default",
        };
        network.AcceptOnlyFromAmong("default", "none", "host");
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image id to FILE" };
        var metadataFile = new Option<string?>("--metadata-file") { Description = "Write the build's result to FILE as JSON, as buildx does (containerimage.digest, containerimage.config.digest, image.name)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Show no progress; print only the image id on success" };
        var progress = new Option<string>("--progress")
        {
            Description = "Progress output: auto (tty on a terminal, else plain), plain or tty",
            DefaultValueFactory = _ => "auto",
        };
        progress.AcceptOnlyFromAmong("auto", "plain", "tty");
        var outputs = new Option<string[]>("--output", "-o")
        {
            Description = "Output: type=image|local|tar|oci|docker[,dest=PATH][,name=REF][,push=true]; a bare DIR means type=local,dest=DIR (default: the local image store)",
            AllowMultipleArgumentsPerToken = false,
        };
        var secrets = new Option<string[]>("--secret")
        {
            Description = "A secret for RUN --mount=type=secret: id=ID[,src=FILE|,env=VARIABLE] (repeatable; never stored in the image or the cache)",
            HelpName = "id=ID,src=FILE",
        };
        var ssh = new Option<string[]>("--ssh")
        {
            Description = "An ssh agent for RUN --mount=type=ssh: default or ID, =SOCKET (default: $SSH_AUTH_SOCK) or =KEY[,KEY...] (key files, served by an agent of the build's own) (repeatable)",
            HelpName = "default|ID[=SOCKET|KEY,...]",
        };
        var addHosts = new Option<string[]>("--add-host")
        {
            Description = "Add a line to every RUN's /etc/hosts: HOST:IP or HOST=IP (repeatable)",
            HelpName = "HOST:IP",
        };
        var noCacheFilter = new Option<string[]>("--no-cache-filter")
        {
            Description = "Do not look up the cache for the steps of these stages (repeatable, or comma-separated)",
            HelpName = "STAGE",
        };
        var shmSize = new Option<string?>("--shm-size") { Description = "The size of every RUN's /dev/shm, as docker takes it (64m, 1g; default 64m)", HelpName = "SIZE" };
        var ulimits = new Option<string[]>("--ulimit")
        {
            Description = "An rlimit for every RUN: NAME=SOFT[:HARD], -1 for unlimited (nofile, nproc, core, ...) (repeatable)",
            HelpName = "NAME=SOFT[:HARD]",
        };
        var resources = new RunResourceOptions();
        var allow = new Option<string[]>("--allow")
        {
            Description = "Grant an entitlement: security.insecure lets RUN --security=insecure run privileged; network.host is always granted (repeatable, or comma-separated)",
            HelpName = "security.insecure|network.host",
        };
        var buildContexts = new Option<string[]>("--build-context")
        {
            Description = "A named context: VALUE is a directory or a git repository (files that FROM NAME, COPY --from=NAME and RUN --mount from=NAME read as they read CONTEXT) or docker-image://REF (the image NAME then stands for); a stage named NAME is replaced by it (repeatable)",
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        var push = new Option<bool>("--push") { Description = "Push the image to the registry its -t name points at (type=image,push=true)" };
        var runtime = new Option<string?>("--runtime") { Description = "The OCI runtime for RUN: crun, runc or a path (default: crun, else runc)" };
        var context = new Argument<string>("CONTEXT") { Description = "The build context directory, a git repository (https://host/repo.git#REF:DIR, git@host:repo.git...; -f is then a path in it), or - to read a context archive (tar, plain or compressed) or a lone Dockerfile from standard input" };

        var command = new Command("build", "Build an image from a Dockerfile")
        {
            check, tags, file, buildArgs, buildContexts, target, noCache, noCacheFilter, pull, remove, forceRemove, platform, labels, network, iidFile, metadataFile, quiet, progress, outputs, push, secrets, ssh, addHosts, shmSize, ulimits,
        };
        foreach (var option in resources.All)
        {
            command.Options.Add(option);
        }

        command.Options.Add(allow);
        command.Options.Add(runtime);
        command.Arguments.Add(context);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = ParseBuildArgs(parse.GetValue(buildArgs) ?? [], error);
            if (args is null)
            {
                return ExitCodes.UserError;
            }

            if (!parse.GetValue(remove))
            {
                error.WriteLine("ERROR: kiln build: --rm=false is not supported: kiln never keeps intermediate containers");
                return ExitCodes.UserError;
            }

            using var fromInput = parse.GetValue(context) == "-"
                ? await StandardInputContext.ReadAsync(Console.OpenStandardInput(), parse.GetValue(file), error, cancellationToken).ConfigureAwait(false)
                : null;
            if (parse.GetValue(context) == "-" && fromInput is null)
            {
                return ExitCodes.UserError;
            }

            // A git context is fetched first (with --ssh and --secret, which it may need), then read as a directory.
            var contextArgument = parse.GetValue(context)!;
            BuildOptions? options = null;
            GitContext? git = null;
            if (GitContext.Names(contextArgument))
            {
                options = ParseOptions(parse, error, args, tags, labels, platform, outputs, push, secrets, ssh, network, allow, addHosts, shmSize, ulimits, buildContexts, resources);
                git = options is null ? null : await FetchGitContextAsync(contextArgument, options, error, cancellationToken).ConfigureAwait(false);
                if (git is null)
                {
                    return ExitCodes.UserError;
                }
            }

            await using var removeCheckout = git;
            var contextPath = git?.ContextPath ?? fromInput?.ContextPath ?? contextArgument;
            var dockerfilePath = fromInput?.DockerfilePath ?? parse.GetValue(file);
            if (git is not null)
            {
                dockerfilePath = git.DockerfilePath(dockerfilePath, out var problem);
                if (problem is not null)
                {
                    error.WriteLine($"ERROR: kiln build: {problem}");
                    return ExitCodes.UserError;
                }
            }

            if (parse.GetValue(check))
            {
                var checkRequest = new CheckRequest(contextPath, dockerfilePath, args, parse.GetValue(target)) { IgnoreFiles = git is null };
                return RunCheck(checkRequest, output, error, cancellationToken);
            }

            options ??= ParseOptions(parse, error, args, tags, labels, platform, outputs, push, secrets, ssh, network, allow, addHosts, shmSize, ulimits, buildContexts, resources);
            if (options is null)
            {
                return ExitCodes.UserError;
            }

            var settings = new BuildSettings(
                contextPath,
                dockerfilePath,
                parse.GetValue(target),
                parse.GetValue(noCache),
                [.. (parse.GetValue(noCacheFilter) ?? []).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                parse.GetValue(pull),
                parse.GetValue(iidFile),
                parse.GetValue(metadataFile),
                parse.GetValue(progress) ?? "auto",
                parse.GetValue(quiet),
                parse.GetValue(runtime))
            {
                IgnoreFiles = git is null,
            };
            return await global.RunWithStoreAsync(parse, "build", error, store => RunBuildAsync(settings, options, store, rootCheck, output, error, cancellationToken)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The validated options of one build that are not plain flags.</summary>
    private sealed record BuildOptions(
        ImmutableDictionary<string, string> BuildArgs,
        ImmutableArray<ImageReference> Tags,
        ImmutableSortedDictionary<string, string> Labels,
        ImmutableArray<OutputSpec> Outputs,
        RunNetwork Network,
        DateTimeOffset? SourceDateEpoch,
        ImmutableDictionary<string, ImmutableArray<byte>> Secrets,
        ImmutableDictionary<string, string> SshAgents,
        bool AllowInsecure,
        ImmutableArray<ExtraHost> ExtraHosts,
        long? ShmSize,
        ImmutableArray<RunLimit> Ulimits,
        ImmutableDictionary<string, ImmutableArray<string>> SshKeyFiles,
        NamedContexts NamedContexts,
        RunResources Resources);

    private sealed record BuildSettings(
        string ContextPath,
        string? DockerfilePath,
        string? Target,
        bool NoCache,
        ImmutableArray<string> NoCacheStages,
        bool Pull,
        string? IidFile,
        string? MetadataFile,
        string Progress,
        bool Quiet,
        string? Runtime)
    {
        /// <summary>The context's .dockerignore applies: not for a git context, which BuildKit takes whole.</summary>
        public bool IgnoreFiles { get; init; } = true;
    }

    /// <summary>A git context, fetched with the build's <c>--ssh</c> agents (key files served by an agent of its own) and secrets.</summary>
    private static async Task<GitContext?> FetchGitContextAsync(string url, BuildOptions options, TextWriter error, CancellationToken cancellationToken)
    {
        SshKeyAgents keyAgents;
        try
        {
            keyAgents = SshKeyAgents.Start(options.SshKeyFiles);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"ERROR: kiln build: --ssh: {e.Message}").ConfigureAwait(false);
            return null;
        }

        using (keyAgents)
        {
            var access = new GitAccess(options.SshAgents.SetItems(keyAgents.Sockets).GetValueOrDefault("default"), options.Secrets);
            return await GitContext.FetchAsync(url, access, error, cancellationToken).ConfigureAwait(false);
        }
    }

    private static BuildOptions? ParseOptions(
        ParseResult parse,
        TextWriter error,
        ImmutableDictionary<string, string> args,
        Option<string[]> tags,
        Option<string[]> labels,
        Option<string?> platform,
        Option<string[]> outputs,
        Option<bool> push,
        Option<string[]> secrets,
        Option<string[]> ssh,
        Option<string> network,
        Option<string[]> allow,
        Option<string[]> addHosts,
        Option<string?> shmSize,
        Option<string[]> ulimits,
        Option<string[]> buildContexts,
        RunResourceOptions resources)
    {
        var references = ImmutableArray.CreateBuilder<ImageReference>();
        foreach (var tag in parse.GetValue(tags) ?? [])
        {
            if (!ImageReference.TryParse(tag, out var reference, out var problem) || reference.Digest is not null)
            {
                error.WriteLine($"ERROR: kiln build: invalid tag '{tag}': {problem ?? "a tag cannot have a digest"}");
                return null;
            }

            references.Add(reference);
        }

        var labelValues = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var label in parse.GetValue(labels) ?? [])
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error.WriteLine($"ERROR: kiln build: invalid --label '{label}': expected KEY=VALUE");
                return null;
            }

            labelValues[label[..equals]] = label[(equals + 1)..];
        }

        if (parse.GetValue(platform) is { } specifier)
        {
            if (!OciPlatform.TryParse(specifier, out var requested, out var platformError))
            {
                error.WriteLine($"ERROR: kiln build: invalid --platform '{specifier}': {platformError}");
                return null;
            }

            if (requested != OciPlatform.Host)
            {
                error.WriteLine($"ERROR: kiln build: --platform {requested} is not supported yet: only this machine's platform ({OciPlatform.Host}) is built");
                return null;
            }
        }

        var specs = ImmutableArray.CreateBuilder<OutputSpec>();
        foreach (var text in parse.GetValue(outputs) ?? [])
        {
            try
            {
                specs.Add(OutputSpec.Parse(text));
            }
            catch (OutputSpecException e)
            {
                error.WriteLine($"ERROR: kiln build: invalid --output '{text}': {e.Message}");
                return null;
            }
        }

        ImmutableArray<OutputSpec> combined;
        try
        {
            combined = OutputSpec.Combine(specs, parse.GetValue(push), references);
        }
        catch (OutputSpecException e)
        {
            error.WriteLine($"ERROR: kiln build: {e.Message}");
            return null;
        }

        DateTimeOffset? epoch;
        try
        {
            epoch = args.TryGetValue(SourceDateEpoch.VariableName, out var fromArg) ? SourceDateEpoch.Parse(fromArg) : SourceDateEpoch.FromEnvironment();
        }
        catch (FormatException e)
        {
            error.WriteLine($"ERROR: kiln build: invalid {SourceDateEpoch.VariableName}: {e.Message}");
            return null;
        }

        var runNetwork = parse.GetValue(network) switch
        {
            "none" => RunNetwork.None,
            "host" => RunNetwork.Host,
            _ => RunNetwork.Default,
        };
        var secretValues = ImmutableDictionary.CreateBuilder<string, ImmutableArray<byte>>(StringComparer.Ordinal);
        foreach (var text in parse.GetValue(secrets) ?? [])
        {
            if (ReadSecret(text, out var problem) is not { } secret)
            {
                error.WriteLine($"ERROR: kiln build: invalid --secret '{text}': {problem}");
                return null;
            }

            secretValues[secret.Id] = secret.Value;
        }

        var agents = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var keyFiles = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var text in parse.GetValue(ssh) ?? [])
        {
            // ID=SOCKET, or ID=KEY[,KEY...] as buildx takes key files; without a value, $SSH_AUTH_SOCK.
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var id = equals < 0 ? text : text[..equals];
            var value = equals < 0 ? Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") : text[(equals + 1)..];
            // A socket is an agent (File.Exists is true for one too); otherwise existing files are keys.
            var paths = (value ?? string.Empty).Split(',');
            var keys = !(paths.Length == 1 && IsSocket(paths[0])) && paths.All(File.Exists);
            string? problem = id.Length == 0 ? "the id is empty"
                : string.IsNullOrEmpty(value) ? "no socket given and SSH_AUTH_SOCK is not set"
                : !keys && (paths.Length > 1 || !IsSocket(value)) ? $"{value} is neither an ssh agent socket nor a key file (or a comma-separated list of them)"
                : null;
            if (problem is not null)
            {
                error.WriteLine($"ERROR: kiln build: invalid --ssh '{text}': {problem}");
                return null;
            }

            if (keys)
            {
                keyFiles[id] = [.. paths.Select(Path.GetFullPath)];
            }
            else
            {
                agents[id] = Path.GetFullPath(value!);
            }
        }

        var allowInsecure = false;
        foreach (var entitlement in (parse.GetValue(allow) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            switch (entitlement)
            {
                case "security.insecure":
                    allowInsecure = true;
                    break;
                case "network.host":
                    break; // RUN --network=host needs no grant with kiln
                default:
                    error.WriteLine($"ERROR: kiln build: unknown --allow entitlement '{entitlement}' (kiln knows security.insecure and network.host)");
                    return null;
            }
        }

        var extraHosts = ImmutableArray.CreateBuilder<ExtraHost>();
        foreach (var text in parse.GetValue(addHosts) ?? [])
        {
            if (ParseExtraHost(text, out var problem) is not { } host)
            {
                error.WriteLine($"ERROR: kiln build: invalid --add-host '{text}': {problem}");
                return null;
            }

            extraHosts.Add(host);
        }

        long? shm = null;
        if (parse.GetValue(shmSize) is { } shmText)
        {
            if (!Kiln.Dockerfile.Instructions.ByteSize.TryParse(shmText, out var bytes) || bytes <= 0)
            {
                error.WriteLine($"ERROR: kiln build: invalid --shm-size '{shmText}': expected a size such as 64m or 1g");
                return null;
            }

            shm = bytes;
        }

        var limits = ImmutableArray.CreateBuilder<RunLimit>();
        foreach (var text in parse.GetValue(ulimits) ?? [])
        {
            if (RunLimit.Parse(text, out var problem) is not { } limit)
            {
                error.WriteLine($"ERROR: kiln build: invalid --ulimit '{text}': {problem}");
                return null;
            }

            limits.Add(limit);
        }

        if (resources.Parse(parse, error) is not { } runResources)
        {
            return null;
        }

        var namedContexts = NamedContexts.Empty;
        foreach (var text in parse.GetValue(buildContexts) ?? [])
        {
            if (namedContexts.Add(text, error) is not { } added)
            {
                return null;
            }

            namedContexts = added;
        }

        return new BuildOptions(args, references.ToImmutable(), labelValues.ToImmutable(), combined, runNetwork, epoch, secretValues.ToImmutable(), agents.ToImmutable(), allowInsecure, extraHosts.ToImmutable(), shm, limits.ToImmutable(), keyFiles.ToImmutable(), namedContexts, runResources);
    }

    /// <summary>docker's forms: <c>HOST:IP</c> (split at the first colon, so <c>h:::1</c> is IPv6) or <c>HOST=IP</c>; an IPv6 address may be bracketed.</summary>
    private static ExtraHost? ParseExtraHost(string text, out string? problem)
    {
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            separator = text.IndexOf(':', StringComparison.Ordinal);
        }

        var host = separator < 0 ? text : text[..separator];
        var address = separator < 0 ? string.Empty : text[(separator + 1)..].TrimStart('[').TrimEnd(']');
        problem = host.Length == 0 || host.Any(char.IsWhiteSpace) ? "expected HOST:IP with a host name"
            : address == "host-gateway" ? "host-gateway is not supported yet (RUN shares the host's network: use 127.0.0.1)"
            : !System.Net.IPAddress.TryParse(address, out _) ? $"'{address}' is not an IP address"
            : null;
        return problem is null ? new ExtraHost(host, address) : null;
    }

    /// <summary>Whether something listens on the unix socket <paramref name="path"/> (a key file, or an agent that is gone, does not).</summary>
    private static bool IsSocket(string path)
    {
        try
        {
            using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// One <c>--secret</c> as buildx reads it: <c>id=</c> with <c>src=</c> (or <c>source=</c>, a file) or <c>env=</c> (a
    /// variable), <c>type=file|env</c> optional; with neither, the variable named like the id if it is set.
    /// </summary>
    private static (string Id, ImmutableArray<byte> Value)? ReadSecret(string text, out string? problem)
    {
        string? id = null, file = null, variable = null, type = null;
        foreach (var field in text.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"\"{field}\" is not key=value";
                return null;
            }

            var value = field[(equals + 1)..];
            switch (field[..equals].Trim().ToLowerInvariant())
            {
                case "id": id = value; break;
                case "src" or "source": file = value; break;
                case "env": variable = value; break;
                case "type": type = value; break;
                default:
                    problem = $"unknown key {field[..equals]} (kiln knows id, src, source, env and type)";
                    return null;
            }
        }

        if (string.IsNullOrEmpty(id))
        {
            problem = "id= is required";
            return null;
        }

        if (type is not (null or "file" or "env"))
        {
            problem = $"type={type}: use file or env";
            return null;
        }

        if (type == "env" || (type is null && file is null && (variable is not null || Environment.GetEnvironmentVariable(id) is not null)))
        {
            var name = variable ?? id;
            if (Environment.GetEnvironmentVariable(name) is not { } fromEnvironment)
            {
                problem = $"the environment variable {name} is not set";
                return null;
            }

            problem = null;
            return (id, [.. System.Text.Encoding.UTF8.GetBytes(fromEnvironment)]);
        }

        var path = file ?? id;
        if (!File.Exists(path))
        {
            problem = $"the file {path} does not exist";
            return null;
        }

        problem = null;
        return (id, [.. File.ReadAllBytes(path)]);
    }

    private static async Task<int> RunBuildAsync(BuildSettings settings, BuildOptions options, ImageStore store, RootCheck rootCheck, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.ContextPath))
        {
            await error.WriteLineAsync($"ERROR: kiln build: context directory {settings.ContextPath} does not exist").ConfigureAwait(false);
            return ExitCodes.UserError;
        }

        var source = DockerfileSource.Read(settings.ContextPath, settings.DockerfilePath, error);
        if (source is null)
        {
            return ExitCodes.UserError;
        }

        var frontendOptions = new FrontendOptions(options.BuildArgs, settings.Target) { NamedContexts = NamedContextNames.Lookup(options.NamedContexts.Contexts) };
        if (!rootCheck.IsRoot && NeedsSandbox(source.Text, frontendOptions, cancellationToken))
        {
            await error.WriteLineAsync($"ERROR: {RootCheck.Message("build")}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }

        SshKeyAgents keyAgents;
        try
        {
            keyAgents = SshKeyAgents.Start(options.SshKeyFiles);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync($"ERROR: kiln build: --ssh: {e.Message}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }

        using var stopAgents = keyAgents;
        var request = new BuildRequest(
            source.Text,
            frontendOptions,
            settings.NoCache,
            settings.Pull,
            options.SourceDateEpoch,
            options.Labels,
            options.Network)
        {
            DockerfileName = source.DisplayName,
            Secrets = options.Secrets,
            SshAgents = options.SshAgents.SetItems(keyAgents.Sockets),
            AllowInsecure = options.AllowInsecure,
            NoCacheStages = [.. settings.NoCacheStages],
            ExtraHosts = options.ExtraHosts,
            ShmSize = options.ShmSize,
            Ulimits = options.Ulimits,
            Resources = options.Resources,
        };

        var content = store.Content;

        // Layers and configs are unreferenced until the export names them: a prune must wait for this build.
        using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var cache = CacheStore.Open(content);
        if (IgnorePatterns(settings.ContextPath, settings.DockerfilePath, settings.IgnoreFiles, new DiagnosticRenderer(error)) is not { } ignorePatterns)
        {
            return ExitCodes.UserError;
        }

        var context = BuildContext.WithPatterns(Path.GetFullPath(settings.ContextPath), ignorePatterns);
        var gitAccess = new GitAccess(request.SshAgents.GetValueOrDefault("default"), options.Secrets);
        var contextDirectories = await options.NamedContexts.OpenDirectoriesAsync(gitAccess, error, cancellationToken).ConfigureAwait(false);
        if (contextDirectories is null)
        {
            return ExitCodes.UserError;
        }

        await using var removeCheckouts = contextDirectories;

        var digestCache = await FileDigestCache.OpenAsync(FileDigestCacheDirectory(content.Root), cancellationToken).ConfigureAwait(false);
        var registryOptions = new RegistryOptions();
        RegistryClient Registries(ImageReference reference) => RegistryCommandOptions.CreateClient(reference, registryOptions);
        var standardOutput = options.Outputs.Any(o => o.Destination == "-") ? StandardStreams.OpenOutput() : null;
        var snapshots = SnapshotStore.Open(content.Root);
        var executor = CreateExecutor(settings.Runtime, content.Root);
        var ports = new BuildPorts(
            new StoreImageSource(store, Registries),
            new SandboxSnapshotter(snapshots, content),
            executor,
            new SandboxDiffer(snapshots, content),
            new ContextFileOperations(context, digestCache, options.SourceDateEpoch, contextDirectories.Contexts),
            new ConfigBuilderConfigurator(options.BuildArgs),
            new StoreBuildCache(cache, snapshots),
            new StoreImageExporter(content, new ImageExporter(store, Registries), options.Outputs, options.Tags, standardOutput))
        {
            Git = new GitSources(),
        };
        BuildResult result;
        var renderer = ProgressRenderers.Create(settings.Progress, settings.Quiet, error);
        try
        {
            await using (renderer.ConfigureAwait(false))
            {
                var engine = new BuildEngine(ports, renderer, TimeProvider.System);
                result = await engine.BuildAsync(request, cancellationToken).ConfigureAwait(false);
            }

            await digestCache.SaveAsync(cancellationToken).ConfigureAwait(false);
            if (settings.Quiet)
            {
                await output.WriteLineAsync(result.Image.ImageId.ToString()).ConfigureAwait(false);
            }
            else
            {
                await BuildSummary.WriteAsync(output, result).ConfigureAwait(false);
            }
            if (settings.IidFile is { } iidFile)
            {
                await ReplacementFile.WriteAllBytesAsync(iidFile, System.Text.Encoding.UTF8.GetBytes(result.Image.ImageId.ToString()), cancellationToken).ConfigureAwait(false);
            }

            if (settings.MetadataFile is { } metadata)
            {
                await BuildMetadataFile.WriteAsync(metadata, result.Image, options.Tags, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }
        catch (BuildFailedException e)
        {
            await error.WriteLineAsync().ConfigureAwait(false);
            BuildFailureRenderer.Render(error, source.DisplayName, source.Text, e);
            return ExitCodes.UserError;
        }
        catch (BuildInternalException e)
        {
            await error.WriteLineAsync().ConfigureAwait(false);
            InternalErrorRenderer.Render(error, e);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// Whether a stage the target needs has a RUN (the OCI runtime) or a COPY/ADD (written through an overlay mount
    /// of the stage's root), or starts from a <c>--build-context</c> directory (copied in the same way), or from a stage
    /// with ONBUILD triggers (they run as its first steps). A Dockerfile with errors answers false: the build reports
    /// those errors itself. ONBUILD triggers of base images are not known before the pull, so a build whose only such
    /// step comes from an image's trigger still fails later, at the mount.
    /// </summary>
    internal static bool NeedsSandbox(string dockerfile, FrontendOptions options, CancellationToken cancellationToken = default) =>
        DockerfileFrontend.Check(dockerfile, options, cancellationToken).Definition is { } definition
        && definition.BuildOrder.Any(stage => stage.Base is StageBase.Context
            || (stage.Base is StageBase.Stage parent && definition.Stages[parent.Index].Steps.Any(step => step.Instruction is OnbuildInstruction))
            || stage.Steps.Any(step => step.Instruction is RunInstruction or CopyInstruction or AddInstruction));

    /// <summary>crun, else runc, or what <c>--runtime</c> names; with none installed RUN is refused ("not supported yet") and the rest still builds.</summary>
    private static SandboxExecutor? CreateExecutor(string? requested, Kiln.Content.Store.StoreRoot root)
    {
        OciRuntime runtime;
        try
        {
            runtime = OciRuntime.Locate(requested);
        }
        catch (FileNotFoundException) when (requested is null)
        {
            return null;
        }

        return new SandboxExecutor(new ContainerRunner(runtime), CacheMountStore.Open(root));
    }

    private sealed record CheckRequest(string ContextPath, string? DockerfilePath, ImmutableDictionary<string, string> BuildArgs, string? Target)
    {
        /// <summary>The context's .dockerignore applies (not for a git context).</summary>
        public bool IgnoreFiles { get; init; } = true;
    }

    private static int RunCheck(CheckRequest request, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(request.ContextPath))
        {
            error.WriteLine($"ERROR: kiln build: context directory {request.ContextPath} does not exist");
            return ExitCodes.UserError;
        }

        var source = DockerfileSource.Read(request.ContextPath, request.DockerfilePath, error);
        if (source is null)
        {
            return ExitCodes.UserError;
        }

        var result = DockerfileFrontend.Check(source.Text, new FrontendOptions(request.BuildArgs, request.Target), cancellationToken);
        var renderer = new DiagnosticRenderer(error);
        renderer.Render(source.DisplayName, source.Text, result.Diagnostics);
        if (IgnorePatterns(request.ContextPath, request.DockerfilePath, request.IgnoreFiles, renderer) is null || result.HasErrors)
        {
            return ExitCodes.UserError;
        }

        var warnings = result.Diagnostics.Count(d => !d.IsError);
        output.WriteLine(warnings == 0 ? "Check complete, no warnings found." : $"Check complete, {warnings} warning(s) found.");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The patterns of the .dockerignore that applies (<see cref="IgnoreFileSource"/>); null, with the error rendered
    /// at the file's line, when it has a pattern BuildKit refuses: that fails the build, and so the check too.
    /// </summary>
    private static ImmutableArray<string>? IgnorePatterns(string contextPath, string? dockerfilePath, bool ignoreFiles, DiagnosticRenderer renderer)
    {
        if (!ignoreFiles || IgnoreFileSource.Find(contextPath, dockerfilePath) is not { } ignoreFile)
        {
            return [];
        }

        if (ignoreFile.Compile(out var patterns) is { } problem)
        {
            renderer.Render(ignoreFile.DisplayName, ignoreFile.Text, [problem]);
            return null;
        }

        return patterns;
    }

    /// <summary>
    /// <c>K=V</c> sets K; a bare <c>K</c> takes K's value from the environment, and is left out when
    /// the environment has no K (as <c>docker build</c> does).
    /// </summary>
    private static ImmutableDictionary<string, string>? ParseBuildArgs(string[] values, TextWriter error)
    {
        var args = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? value : value[..equals];
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                error.WriteLine($"ERROR: kiln build: invalid --build-arg '{value}': expected KEY=VALUE or KEY");
                return null;
            }

            if (equals >= 0)
            {
                args[key] = value[(equals + 1)..];
            }
            else if (Environment.GetEnvironmentVariable(key) is { } fromEnvironment)
            {
                args[key] = fromEnvironment;
            }
        }

        return args.ToImmutable();
    }
}
