using System.Collections.Immutable;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Tests;

public sealed class RunFilesTests : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("kiln-run-files-").FullName;

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    private static ContainerFile File(string path, UnixFileMode mode = (UnixFileMode)0b111_101_101) => new(path, [.. "#!/bin/sh\n"u8], mode);

    [Fact]
    public async Task Each_directory_is_one_folder_with_exact_modes_whatever_the_umask()
    {
        var binds = await RunFiles.WriteAsync(_bundle, [File("/dev/pipes/EOT"), File("/dev/pipes/b", (UnixFileMode)0b100_000_000), File("/opt/x/c")], CancellationToken.None);

        Assert.Equal(["/dev/pipes", "/opt/x"], binds.Select(b => b.Destination));
        Assert.All(binds, b => Assert.StartsWith(_bundle + "/", b.Source, StringComparison.Ordinal));
        Assert.Equal(["EOT", "b"], Directory.GetFiles(binds[0].Source).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal((UnixFileMode)0b111_101_101, new FileInfo(Path.Combine(binds[0].Source, "EOT")).UnixFileMode);
        Assert.Equal((UnixFileMode)0b100_000_000, new FileInfo(Path.Combine(binds[0].Source, "b")).UnixFileMode);
        Assert.Equal((UnixFileMode)0b111_101_101, new DirectoryInfo(binds[0].Source).UnixFileMode);
        Assert.Equal("#!/bin/sh\n", await System.IO.File.ReadAllTextAsync(Path.Combine(binds[1].Source, "c")));

        // Only what is not on the container's /dev tmpfs needs a mount point in the root.
        Assert.Equal(["/opt/x"], RunFiles.MountPoints(binds));
    }

    [Theory]
    [InlineData("relative/x")]
    [InlineData("/x")]
    [InlineData("/dev/../etc/x")]
    [InlineData("/dev/./x")]
    [InlineData("/dev//x")]
    [InlineData("/dev/pipes/")]
    [InlineData("/dev/pipes/..")]
    public async Task Paths_that_could_leave_the_folder_or_hide_the_root_are_refused(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RunFiles.WriteAsync(_bundle, [File(path)], CancellationToken.None));

        Assert.Empty(Directory.EnumerateFiles(_bundle, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_same_path_twice_and_nested_directories_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RunFiles.WriteAsync(_bundle, [File("/dev/p/a"), File("/dev/p/a")], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => RunFiles.WriteAsync(_bundle, [File("/dev/p/a"), File("/dev/p/q/b")], CancellationToken.None));
    }

    [Fact]
    public void The_binds_are_mounted_read_only_after_dev()
    {
        var spec = RuntimeSpec.Create(new SandboxSpec { RootPath = "/r", Args = ["/dev/pipes/EOT"], ReadOnlyBinds = [new ReadOnlyBind("/b/files-0", "/dev/pipes")] });

        var mounts = spec.Mounts.Select(m => m.Destination).ToList();
        Assert.True(mounts.IndexOf("/dev/pipes") > mounts.IndexOf("/dev"));
        var bind = spec.Mounts.Single(m => m.Destination == "/dev/pipes");
        Assert.Equal(("bind", "/b/files-0"), (bind.Type, bind.Source));
        Assert.Equal(["rbind", "ro"], bind.Options.ToArray());
    }
}
