using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Build.Ports;
using Kiln.Build.Ports.Adapters;
using Kiln.Dockerfile;

namespace Kiln.Build.Tests.Adapters;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContextFileOperationsTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("kiln-adapter-ctx-").FullName;
    private readonly string _target = Directory.CreateTempSubdirectory("kiln-adapter-target-").FullName;

    public void Dispose()
    {
        Directory.Delete(_context, recursive: true);
        Directory.Delete(_target, recursive: true);
    }

    private static CopyOperation CopyOf(string instruction, CopySource source) =>
        new(DockerfileFrontend.Check("FROM scratch\n" + instruction + "\n", new FrontendOptions(ImmutableDictionary<string, string>.Empty, null)).Definition!.Stages[0].Steps[0].Instruction, source, "/");

    [Fact]
    public async Task Context_copies_honour_dockerignore_and_the_digest_follows_the_content()
    {
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "secret\n");
        File.WriteAllText(Path.Combine(_context, "a"), "one");
        File.WriteAllText(Path.Combine(_context, "secret"), "no");
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);
        var operation = CopyOf("COPY . /app/", new CopySource.Context());

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
    public async Task A_named_context_is_read_as_the_build_context_is_with_its_own_dockerignore_and_owners_reset()
    {
        var named = Path.Combine(_context, "named");
        Directory.CreateDirectory(named);
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "a\n");
        File.WriteAllText(Path.Combine(named, ".dockerignore"), "secret\n");
        File.WriteAllText(Path.Combine(named, "a"), "one");
        File.WriteAllText(Path.Combine(named, "secret"), "no");
        File.CreateSymbolicLink(Path.Combine(named, "passwd"), "/etc/passwd");
        var root = Copy.Prerequisites.Root();
        if (root)
        {
            await Copy.CopyExecutorTests.Chown(Path.Combine(named, "a"), 1234, 5678);
        }

        var contexts = new Dictionary<string, BuildContext> { ["src"] = await BuildContext.OpenAsync(named, CancellationToken.None) };
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null, contexts);
        var operation = CopyOf("COPY --from=src . /app/", new CopySource.Context("src"));

        var before = await files.DigestSourcesAsync(operation, CancellationToken.None);
        await files.CopyAsync(operation, _target, CancellationToken.None);
        File.WriteAllText(Path.Combine(named, "secret"), "changed, but ignored");
        var ignoredChange = await files.DigestSourcesAsync(operation, CancellationToken.None);
        File.WriteAllText(Path.Combine(named, "a"), "two");
        var realChange = await files.DigestSourcesAsync(operation, CancellationToken.None);

        // The main context's .dockerignore (which hides a) is not this one's.
        Assert.Equal("one", File.ReadAllText(Path.Combine(_target, "app", "a")));
        Assert.False(File.Exists(Path.Combine(_target, "app", "secret")));
        Assert.Equal("/etc/passwd", new FileInfo(Path.Combine(_target, "app", "passwd")).LinkTarget);
        Assert.Equal(before, ignoredChange);
        Assert.NotEqual(before, realChange);
        if (root)
        {
            var stat = FileStat.OfPath(Path.Combine(_target, "app", "a"));
            Assert.Equal((0u, 0u), (stat!.Value.Uid, stat.Value.Gid));
        }

        // Paths resolve inside the directory: a symlink to /etc/passwd is the directory's own /etc/passwd (missing),
        // and ".." is refused, naming the context.
        var followed = await Assert.ThrowsAnyAsync<Exception>(() => files.CopyAsync(CopyOf("COPY --from=src passwd /p", new CopySource.Context("src")), _target, CancellationToken.None));
        Assert.Contains("not found", followed.Message, StringComparison.Ordinal);
        var escape = await Assert.ThrowsAnyAsync<Exception>(() => files.CopyAsync(CopyOf("COPY --from=src ../a /b", new CopySource.Context("src")), _target, CancellationToken.None));
        Assert.Equal("forbidden path outside the context src: ../a", escape.Message);
        Assert.False(File.Exists(Path.Combine(_target, "p")));
    }

    [Fact]
    public async Task A_named_context_that_was_not_given_is_an_error()
    {
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => files.DigestSourcesAsync(CopyOf("COPY --from=src a /", new CopySource.Context("src")), CancellationToken.None));

        Assert.Equal("no --build-context named src was given", error.Message);
    }

    [Fact]
    public async Task A_root_source_is_read_from_its_directory()
    {
        var stageRoot = Path.Combine(_context, "stage");
        Directory.CreateDirectory(Path.Combine(stageRoot, "out"));
        File.WriteAllText(Path.Combine(stageRoot, "out", "bin"), "binary");
        var files = new ContextFileOperations(await BuildContext.OpenAsync(_context, CancellationToken.None), null, null);

        await files.CopyAsync(CopyOf("COPY --from=builder /out/bin /manager", new CopySource.Root(stageRoot, "builder")), _target, CancellationToken.None);

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
