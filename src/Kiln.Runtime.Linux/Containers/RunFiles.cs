using System.Collections.Immutable;
using System.Globalization;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Containers;

/// <summary>
/// Writes a run's <see cref="ContainerFile"/>s into its bundle, one folder per container directory, and says how
/// to mount them. Nothing is written outside the bundle: names are single, checked path components.
/// </summary>
internal static class RunFiles
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static async Task<ImmutableArray<ReadOnlyBind>> WriteAsync(string bundle, ImmutableArray<ContainerFile> files, CancellationToken cancellationToken)
    {
        if (files.IsDefaultOrEmpty)
        {
            return [];
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("containers run on Linux only");
        }

        // Everything is checked before anything is written.
        var split = files.Select(f => Split(f.Path)).ToList();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!paths.Add(file.Path))
            {
                throw new ArgumentException($"the file {file.Path} is given twice", nameof(files));
            }
        }

        var directories = split.Select(s => s.Directory).Distinct(StringComparer.Ordinal).ToList();
        foreach (var directory in directories)
        {
            // A directory mounted inside another would need a mount point in a read-only mount.
            if (directories.Any(other => directory.StartsWith(other + "/", StringComparison.Ordinal)))
            {
                throw new ArgumentException($"the files' directory {directory} is inside another one given", nameof(files));
            }
        }

        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Length; i++)
        {
            var (directory, name) = split[i];
            if (!folders.TryGetValue(directory, out var folder))
            {
                folder = Path.Combine(bundle, "files-" + folders.Count.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(folder);
                File.SetUnixFileMode(folder, DirectoryMode);
                folders.Add(directory, folder);
            }

            var host = Path.Combine(folder, name);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = files[i].Mode };
            var stream = new FileStream(host, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(files[i].Content.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            // The umask applied at creation: the mode is the caller's, exactly (BuildKit's script is 0755 whatever the umask).
            File.SetUnixFileMode(host, files[i].Mode);
        }

        return [.. folders.Select(f => new ReadOnlyBind(f.Value, f.Key))];
    }

    /// <summary>
    /// The mount points the runtime makes in the root for <paramref name="binds"/>: those not under the container's
    /// <c>/dev</c>, which is a tmpfs (there the runtime makes them in the tmpfs, and the root is never touched).
    /// </summary>
    public static IEnumerable<string> MountPoints(ImmutableArray<ReadOnlyBind> binds) =>
        binds.Select(b => b.Destination).Where(d => !d.StartsWith("/dev/", StringComparison.Ordinal));

    private static (string Directory, string Name) Split(string path)
    {
        var components = path.Split('/');
        if (!path.StartsWith('/') || components.Length < 3
            || components.Skip(1).Any(c => c.Length == 0 || c is "." or ".." || c.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"a container file needs an absolute, normalised path below a directory other than /, not \"{path}\"", nameof(path));
        }

        return (string.Join('/', components[..^1]), components[^1]);
    }
}
