using System.Globalization;
using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// Cache keys for each kind of step. Metadata-only steps (ENV, LABEL, CMD...) have no key of their own: they
/// change the config, which the image config builder re-applies on a hit, and what they change that a later
/// RUN or COPY depends on (Env, User, WorkingDir, Shell) is part of that step's key.
/// </summary>
public static class CacheKeys
{
    /// <summary>Bumped on every change of what a key encodes; golden tests pin the keys of version 1.</summary>
    public const uint EncodingVersion = 1;

    /// <summary>The key of a stage's starting point: the base image's manifest digest, or scratch, on a platform.</summary>
    public static CacheKey ForBase(Digest? manifest, OciPlatform platform) => Encode("base", ForBase, manifest, platform, trace: false).Key;

    public static CacheKey ForRun(CacheKey parent, RunKeyInput input) => Encode("run", ForRun, parent, input, trace: false).Key;

    public static CacheKey ForCopy(CacheKey parent, CopyKeyInput input) => Encode("copy", ForCopy, parent, input, trace: false).Key;

    /// <summary>WORKDIR makes its directory (owned by USER) in a layer of its own.</summary>
    public static CacheKey ForWorkdir(CacheKey parent, string directory, string user) =>
        Encode("workdir", ForWorkdir, parent, (directory, user), trace: false).Key;

    /// <summary>The bytes a key hashes, for the golden tests and for debugging a surprising miss.</summary>
    internal static byte[] TraceRun(CacheKey parent, RunKeyInput input) => Encode("run", ForRun, parent, input, trace: true).Trace;

    private static (CacheKey Key, byte[] Trace) Encode<TParent, TInput>(string kind, Action<CacheKeyWriter, TParent, TInput> write, TParent parent, TInput input, bool trace)
    {
        using var writer = new CacheKeyWriter(kind, trace);
        write(writer, parent, input);
        return (writer.Finish(), writer.Trace());
    }

    private static void ForBase(CacheKeyWriter writer, Digest? manifest, OciPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        writer.String(1, manifest?.ToString() ?? "scratch");
        Platform(writer, 2, platform);
    }

    private static void ForRun(CacheKeyWriter writer, CacheKey parent, RunKeyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        writer.Digest(1, parent.Value);
        writer.List(2, input.Command);
        writer.List(3, input.Shell);
        writer.Boolean(4, input.PrependShell);
        writer.List(5, [.. input.Environment.Order(StringComparer.Ordinal)]);
        writer.String(6, input.User);
        writer.String(7, input.WorkingDir);
        writer.String(8, input.Network.ToString().ToLowerInvariant());
        Platform(writer, 9, input.Platform);
        writer.List(10, [.. input.Heredocs.Select(h => h.Name)]);
        writer.List(11, [.. input.Heredocs.Select(h => h.Content)]);

        // Written only when there are files: every key of a run without them stays what version 1 made it, and
        // no key made before files existed can match one with them (the tag is new), so the version stays.
        if (!input.Files.IsDefaultOrEmpty)
        {
            writer.List(12, [.. input.Files.Select(f => f.Path)]);
            writer.List(13, [.. input.Files.Select(f => Convert.ToString((int)f.Mode, 8))]);
            writer.List(14, [.. input.Files.Select(f => f.Content.ToString())]);
        }

        // The same for RUN --mount: a new tag, written only when there are mounts.
        if (!input.Mounts.IsDefaultOrEmpty)
        {
            writer.List(15, input.Mounts);
        }

        // And for RUN --security=insecure, written only when set.
        if (input.Insecure)
        {
            writer.Boolean(16, true);
        }

        // And for --add-host, written only when there are some.
        if (!input.ExtraHosts.IsDefaultOrEmpty)
        {
            writer.List(17, input.ExtraHosts);
        }

        // And for --shm-size and --ulimit.
        if (!input.Limits.IsDefaultOrEmpty)
        {
            writer.List(18, input.Limits);
        }
    }

    private static void ForCopy(CacheKeyWriter writer, CacheKey parent, CopyKeyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        writer.Digest(1, parent.Value);
        writer.String(2, input.Keyword.ToUpperInvariant());
        writer.Digest(3, input.Sources);
        writer.String(4, input.Destination);
        writer.String(5, input.WorkingDir);
        writer.OptionalString(6, input.Chown);
        writer.OptionalString(7, input.Chmod);
        writer.Boolean(8, input.Link);
        writer.Boolean(9, input.Parents);
        writer.List(10, input.Excludes.IsDefault ? [] : input.Excludes);
        writer.OptionalString(11, input.Unpack?.ToString(CultureInfo.InvariantCulture));
    }

    private static void ForWorkdir(CacheKeyWriter writer, CacheKey parent, (string Directory, string User) input)
    {
        writer.Digest(1, parent.Value);
        writer.String(2, input.Directory);
        writer.String(3, input.User);
    }

    private static void Platform(CacheKeyWriter writer, byte tag, OciPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        writer.String(tag, $"{platform.Os}/{platform.Architecture}/{platform.Variant}/{platform.OsVersion}");
    }
}
