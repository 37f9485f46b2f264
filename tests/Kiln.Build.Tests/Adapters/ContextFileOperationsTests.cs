using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Dockerfile;

namespace Kiln.Build.Tests.Adapters;

public sealed class ContextFileOperationsTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("kiln-adapter-ctx-").FullName;
    private readonly string _target = Directory.CreateTempSubdirectory("kiln-adapter-target-").FullName;

    public void Dispose()
    {
        Directory.Delete(_context, recursive: true);
        Directory.Delete(_target, recursive: true);
    }

    private static CopyOperation Copy(string instruction, CopySource source) =>
        new(DockerfileFrontend.Check("FROM scratch\n" + instruction + "\n", new FrontendOptions(ImmutableDictionary<string, string>.Empty, null)).Definition!.Stages[0].Steps[0].Instruction, source, "/");

    [Fact]
    public async Task Context_copies_honour_dockerignore_and_the_digest_follows_the_content()
    {
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "secret\n");
        File.WriteAllText(Path.Combine(_context, "a"), "one");
        File.WriteAllText(Path.Combine(_context, "secret"), "no");
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);
        var operation = Copy("COPY . /app/", new CopySource.Context());

        var before = await files.DigestSourcesAsync(operation, CancellationToken.None);
        await files.CopyAsync(operation, _target, CancellationToken.None);
        File.WriteAllText(Path.Combine(_context, "secret"), "changed, but ignored");
        var ignoredChange = await files.DigestSourcesAsync(operation, CancellationToken.None);
        File.WriteAllText(Path.Combine(_context, "a"), "two");
        var realChange = await files.DigestSourcesAsync(operation, CancellationToken.None);

        Assert.Equal("one", File.ReadAllText(Path.Combine(_target, "app", "a")));
        Assert.False(File.Exists(Path.Combine(_target, "app", "secret")));
        Assert.Equal(before, ignoredChange);
        Assert.NotEqual(before, realChange);
    }

    [Fact]
    public async Task A_root_source_is_read_from_its_directory()
    {
        var stageRoot = Path.Combine(_context, "stage");
        Directory.CreateDirectory(Path.Combine(stageRoot, "out"));
        File.WriteAllText(Path.Combine(stageRoot, "out", "bin"), "binary");
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);

        await files.CopyAsync(Copy("COPY --from=builder /out/bin /manager", new CopySource.Root(stageRoot, "builder")), _target, CancellationToken.None);

        Assert.Equal("binary", File.ReadAllText(Path.Combine(_target, "manager")));
    }

    [Fact]
    public async Task Workdir_is_created_with_parents_and_owned_by_the_user()
    {
        Directory.CreateDirectory(Path.Combine(_target, "etc"));
        File.WriteAllText(Path.Combine(_target, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:4321::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(_target, "etc", "group"), "root:x:0:\napp:x:4321:\n");
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);

        await files.CreateWorkdirAsync(_target, "/srv/app", "app", CancellationToken.None);

        var info = new DirectoryInfo(Path.Combine(_target, "srv", "app"));
        Assert.True(info.Exists);
        if (Environment.IsPrivilegedProcess)
        {
            var stat = FileStat.OfPath(info.FullName);
            Assert.NotNull(stat);
            Assert.Equal((1234u, 4321u), (stat.Value.Uid, stat.Value.Gid));
        }
    }
}
