using System.Collections.Immutable;
using System.CommandLine;
using System.Text;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Snapshots;
using Kiln.Runtime.Linux.Spec;
using Kiln.Runtime.Linux.Users;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln run IMAGE [ARG...]</c>: runs a local image once with the build's sandbox (overlayfs over the shared layer
/// snapshots, crun or runc), with stdio attached, and exits with the container's exit code. Nothing is kept.
/// </summary>
internal static class RunCommand
{
    /// <summary>docker run's code for "the command could not be run because of the tool itself".</summary>
    public const int ToolFailed = 125;

    /// <summary>Options that take a value: what follows them is not the image.</summary>
    private static readonly ImmutableHashSet<string> ValueOptions =
        ["--user", "-u", "--entrypoint", "--env", "-e", "--network", "--runtime", "--workdir", "-w", "--hostname", "--root"];

    public static Command Create(GlobalOptions global, TextWriter output, TextWriter error, RootCheck rootCheck)
    {
        var remove = new Option<bool>("--rm") { Description = "Accepted for habit: kiln keeps nothing of a container anyway" };
        var user = new Option<string?>("--user", "-u") { Description = "Run as this user: name|uid[:group|gid] (default: the image's USER)", HelpName = "USER" };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "Replace the image's ENTRYPOINT (and drop its CMD)", HelpName = "CMD" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set an environment variable (KEY=VALUE, or KEY to pass kiln's own)", HelpName = "KEY=VALUE", AllowMultipleArgumentsPerToken = false };
        var network = new Option<string>("--network") { Description = "default (the host's network), host, or none (loopback only)", DefaultValueFactory = _ => "default", HelpName = "MODE" };
        var runtime = new Option<string?>("--runtime") { Description = "The OCI runtime: a name on PATH or a path (default: crun, else runc)", HelpName = "RUNTIME" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container (default: the image's WORKDIR)", HelpName = "DIR" };
        var hostname = new Option<string?>("--hostname") { Description = "The container's hostname (default: a random id)", HelpName = "NAME" };
        var image = new Argument<string>("IMAGE") { Description = "A local image: name, ID or digest" };
        var args = new Argument<string[]>("ARG") { Description = "The command and its arguments (default: the image's CMD)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("run", "Run a command in a new container from a local image (needs root)")
        {
            remove, user, entrypoint, env, network, runtime, workdir, hostname, image, args,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (!rootCheck.IsRoot)
                {
                    await error.WriteLineAsync($"ERROR: {RootCheck.Message("run")}").ConfigureAwait(false);
                    return ToolFailed;
                }

                var mode = parse.GetValue(network) switch
                {
                    "default" or "host" => NetworkMode.Host,
                    "none" => NetworkMode.None,
                    var other => throw new ArgumentException($"--network {other}: expected default, host or none"),
                };
                var oci = OciRuntime.Locate(parse.GetValue(runtime));
                var root = StoreRoot.Resolve(parse.GetValue(global.Root));
                var content = ContentStore.Open(root);
                var images = ImageStore.Open(content);
                var local = await images.LoadAsync(parse.GetValue(image)!, cancellationToken).ConfigureAwait(false);
                var config = local.Config.Value.Config;
                var argv = Command(config, parse.GetValue(entrypoint), parse.GetValue(args) ?? []);
                var snapshots = SnapshotStore.Open(root);
                using var lease = await content.LeaseAsync(cancellationToken).ConfigureAwait(false);
                using var sandbox = await Sandbox.CreateAsync(snapshots, content, local.Manifest.Value.Layers, local.Config.Value.RootFs.DiffIds, cancellationToken).ConfigureAwait(false);
                lease.Dispose();
                var run = new SandboxRun
                {
                    Args = argv,
                    Env = MergeEnvironment(config.Env ?? [], parse.GetValue(env) ?? []),
                    User = parse.GetValue(user) ?? config.User,
                    WorkingDirectory = parse.GetValue(workdir) ?? config.WorkingDir,
                    Hostname = parse.GetValue(hostname),
                    Network = mode,
                };
                var stdin = Console.IsInputRedirected && ReferenceEquals(output, Console.Out) ? Console.OpenStandardInput() : null;
                var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
                var io = new ContainerIo
                {
                    Stdin = stdin,
                    OnOutput = async (channel, bytes, _) =>
                    {
                        var writer = channel == OutputChannel.Stdout ? output : error;
                        var decoder = decoders[(int)channel];
                        var chars = new char[decoder.GetCharCount(bytes.Span, flush: false)];
                        decoder.GetChars(bytes.Span, chars, flush: false);
                        await writer.WriteAsync(chars).ConfigureAwait(false);
                        await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    },
                };
                return (await sandbox.RunAsync(new ContainerRunner(oci), run, io, cancellationToken).ConfigureAwait(false)).Code;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("kiln run: cancelled; the container was killed").ConfigureAwait(false);
                return 130;
            }
            catch (Exception e) when (GlobalOptions.IsUserFacing(e) || e is ArgumentException or UserNotFoundException or InvalidUserException)
            {
                await error.WriteLineAsync($"ERROR: kiln run: {e.Message}").ConfigureAwait(false);
                return ToolFailed;
            }
        });
        return command;
    }

    /// <summary>
    /// docker's rules: <c>--entrypoint</c> replaces the image's ENTRYPOINT and drops its CMD; arguments replace CMD;
    /// the command is ENTRYPOINT followed by CMD.
    /// </summary>
    internal static ImmutableArray<string> Command(ContainerConfig config, string? entrypoint, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(args);
        ImmutableArray<string> first = entrypoint is null ? config.Entrypoint ?? [] : entrypoint.Length == 0 ? [] : [entrypoint];
        ImmutableArray<string> rest = args.Count > 0 ? [.. args] : entrypoint is null ? config.Cmd ?? [] : [];
        var result = first.AddRange(rest);
        return result.IsEmpty ? throw new ArgumentException("no command specified: the image has no ENTRYPOINT or CMD, and none was given") : result;
    }

    /// <summary>The image's environment with <c>-e</c> applied: KEY=VALUE replaces or adds; a bare KEY takes kiln's own value (or is dropped).</summary>
    internal static ImmutableArray<string> MergeEnvironment(IEnumerable<string> image, IEnumerable<string> overrides)
    {
        var result = image.ToList();
        foreach (var entry in overrides)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? entry : entry[..equals];
            if (key.Length == 0)
            {
                throw new ArgumentException($"-e {entry}: invalid environment variable");
            }

            var value = equals < 0 ? System.Environment.GetEnvironmentVariable(key) : entry[(equals + 1)..];
            result.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
            if (value is not null)
            {
                result.Add(key + "=" + value);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Everything after IMAGE belongs to the container (<c>kiln run img ls -la</c>), as with docker: a <c>--</c> is
    /// put before the first argument after the image so the parser does not read the container's options as kiln's.
    /// </summary>
    internal static string[] SeparateContainerArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var run = -1;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--root")
            {
                i++;
                continue;
            }

            if (args[i].StartsWith('-'))
            {
                continue;
            }

            if (args[i] == "run")
            {
                run = i;
            }

            break;
        }

        if (run < 0)
        {
            return args;
        }

        for (var i = run + 1; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                return args;
            }

            if (args[i].StartsWith('-'))
            {
                if (ValueOptions.Contains(args[i]))
                {
                    i++;
                }

                continue;
            }

            // args[i] is IMAGE.
            return i + 1 < args.Length && args[i + 1] != "--" ? [.. args[..(i + 1)], "--", .. args[(i + 1)..]] : args;
        }

        return args;
    }
}
