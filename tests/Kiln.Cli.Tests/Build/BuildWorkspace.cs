using Kiln.Content.IO;

namespace Kiln.Cli.Tests.Build;

/// <summary>One test's store (busybox imported as <c>localhost/busybox:latest</c>) and build context.</summary>
internal sealed class BuildWorkspace : IDisposable
{
    public const string Busybox = "localhost/busybox:latest";

    public BuildWorkspace(BusyboxBase busybox)
    {
        Root = Directory.CreateTempSubdirectory("kiln-e2e-").FullName;
        Store = Path.Combine(Root, "store");
        Context = Path.Combine(Root, "context");
        Directory.CreateDirectory(Context);
        var import = Kiln("import", "-c", "CMD [\"/bin/sh\"]", busybox.Tar, Busybox);
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException($"kiln import failed: {import.Error}");
        }
    }

    public string Root { get; }

    public string Store { get; }

    public string Context { get; }

    public CliRun Kiln(params string[] args) => CliRun.Of(["--root", Store, .. args]);

    /// <summary>kiln build --progress plain with <paramref name="args"/> before the context; fails the test with the log when it fails.</summary>
    public CliRun Build(params string[] args)
    {
        var run = Kiln(["build", "--progress", "plain", .. args, Context]);
        Assert.True(run.ExitCode == 0, run.Error);
        return run;
    }

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(Root, StringComparison.Ordinal))];

    public void Dispose()
    {
        if (Mounts().Count == 0)
        {
            DirectoryTree.Remove(Root); // builds may leave paths longer than PATH_MAX, which Directory.Delete cannot reach
        }
    }
}
