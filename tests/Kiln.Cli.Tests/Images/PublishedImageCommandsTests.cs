using System.Diagnostics;

namespace Kiln.Cli.Tests.Images;

/// <summary>The image commands in the NativeAOT binary: JSON and tables survive trimming, and two kiln processes share a root.</summary>
public sealed class PublishedImageCommandsTests : IDisposable
{
    private const long Created = 1_700_000_000;

    private readonly StoreSeeder _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Inspect_images_and_history_match_the_in_process_commands()
    {
        await _store.SeedAsync("busybox", Created, [4000, 100]);

        foreach (var args in new[] { new[] { "inspect", "busybox" }, ["images"], ["history", "busybox"] })
        {
            var published = KilnBinary.Run([.. args, "--root", _store.Path]);

            Assert.True(published.ExitCode == 0, published.Error);
            Assert.Equal(_store.Run(args).Output, published.Output);
        }
    }

    [Fact]
    public async Task A_prune_in_another_process_waits_for_this_process_to_finish_writing()
    {
        var binary = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(binary), $"{binary} is missing: run scripts/publish (scripts/test does)");
        var lease = await _store.Content.LeaseAsync(CancellationToken.None);
        var unnamed = await _store.Content.WriteAsync("written but not yet named"u8.ToArray(), CancellationToken.None);

        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "prune", "--root", _store.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using var prune = Process.Start(start)!;
        var output = prune.StandardOutput.ReadToEndAsync();
        try
        {
            await Task.Delay(700);
            Assert.False(prune.HasExited, "prune must wait while another process holds a lease");
            Assert.True(_store.Content.Exists(unnamed.Digest));
        }
        finally
        {
            lease.Dispose();
        }

        Assert.True(prune.WaitForExit(20_000), "prune did not finish after the lease was released");
        Assert.Equal(0, prune.ExitCode);
        Assert.Contains($"Deleted: {unnamed.Digest}", await output, StringComparison.Ordinal);
        Assert.False(_store.Content.Exists(unnamed.Digest));
    }

    [Fact]
    public async Task Two_processes_tag_the_same_store_at_once_without_losing_a_name()
    {
        await _store.SeedAsync("busybox", Created, [100]);

        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => KilnBinary.Run("tag", "busybox", $"copy{i}", "--root", _store.Path))));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.Equal(7, (await _store.Images.ListAsync(CancellationToken.None)).Length);
    }

    [Fact]
    public async Task A_save_killed_while_it_writes_leaves_nothing_beside_its_file_and_the_next_save_removes_older_leftovers()
    {
        var binary = Repository.PathOf("artifacts", "kiln");
        Assert.True(File.Exists(binary), $"{binary} is missing: run scripts/publish (scripts/test does)");
        await _store.SeedAsync("big", Created, [64 << 20, 64 << 20]);
        var output = Path.Combine(_store.Path, "out");
        Directory.CreateDirectory(output);
        var target = Path.Combine(output, "save.tar");

        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "save", "-o", target, "big", "--root", _store.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using (var save = Process.Start(start)!)
        {
            // Killed (SIGKILL: no cleanup code runs) once it has a file open in the output directory.
            var deadline = Stopwatch.StartNew();
            while (!WritesInto(save.Id, output))
            {
                if (save.HasExited)
                {
                    Assert.Fail($"save exited ({save.ExitCode}) before it was seen writing: {save.StandardError.ReadToEnd()}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "save wrote nothing within 20 s");
                Thread.Sleep(2);
            }

            save.Kill();
            save.WaitForExit();
        }

        Assert.Empty(Directory.GetFileSystemEntries(output));

        // What an older kiln, or the instant between naming and renaming, could leave: the next save of the file removes it.
        var leftover = Path.Combine(output, ".save.tar.0123456789ab.tmp");
        File.WriteAllText(leftover, "half an archive");
        var again = KilnBinary.Run("save", "-o", target, "big", "--root", _store.Path);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(["save.tar"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    /// <summary>Whether the process has a file of <paramref name="directory"/> open (an unnamed one shows as "DIR/#INODE (deleted)").</summary>
    private static bool WritesInto(int pid, string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget)
                .Any(target => target is not null && target.StartsWith(directory + "/", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
