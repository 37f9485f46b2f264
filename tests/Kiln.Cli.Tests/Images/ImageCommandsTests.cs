using System.Text.Json;
using Kiln.Cli.Commands;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Images;

public sealed class ImageCommandsTests : IDisposable
{
    /// <summary>2023-11-14T22:13:20Z: a fixed creation time, so digests and golden output are stable.</summary>
    private const long Created = 1_700_000_000;

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(Created).AddDays(20);

    private readonly StoreSeeder _store = new();

    public void Dispose() => _store.Dispose();

    private static ContainerConfig RichConfig => new()
    {
        User = "app",
        Env = ["PATH=/usr/bin:/bin", "GREETING=héllo <world> & co"],
        Entrypoint = ["/entrypoint.sh"],
        Cmd = ["serve", "--port", "8080"],
        WorkingDir = "/srv",
        Labels = ImmutableSortedDictionaryOf(("org.opencontainers.image.title", "app"), ("maintainer", "Zoë")),
        ExposedPorts = ["8080/tcp", "9090/udp"],
        Volumes = ["/data"],
        StopSignal = "SIGTERM",
        Healthcheck = new HealthcheckConfig { Test = ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], Interval = 30_000_000_000, Retries = 3 },
        OnBuild = ["RUN echo child"],
        Shell = ["/bin/bash", "-c"],
    };

    private static System.Collections.Immutable.ImmutableSortedDictionary<string, string> ImmutableSortedDictionaryOf(params (string Key, string Value)[] pairs) =>
        System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    [Fact]
    public async Task Images_lists_names_newest_first()
    {
        var (_, busybox) = await _store.SeedAsync("busybox", Created, [4000]);
        var (_, app) = await _store.SeedAsync("localhost/golang:1.19", Created + 86_400, [3000, 2000]);

        var run = _store.Run("images");

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("REPOSITORY         TAG       IMAGE ID       CREATED", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"localhost/golang   1.19      {app.Encoded[..12]}   ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"busybox            latest    {busybox.Encoded[..12]}   ", lines[2], StringComparison.Ordinal);
        Assert.Contains(" ago ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_quiet_and_filter()
    {
        var (_, busybox) = await _store.SeedAsync("busybox", Created, [4000]);
        await _store.SeedAsync("alpine", Created, [1000]);

        Assert.Equal($"{busybox.Encoded[..12]}\n", _store.Run("images", "-q", "busybox").Output);
        Assert.Equal($"{busybox}\n", _store.Run("images", "-q", "--no-trunc", "busybox:latest").Output);
        Assert.Equal(string.Empty, _store.Run("images", "-q", "busybox:other").Output);
    }

    [Fact]
    public async Task Images_table_golden()
    {
        await _store.SeedAsync("busybox", Created, [4_261_550]);
        await _store.SeedAsync("localhost/golang:1.19", Created + 86_400 * 19, [3000, 2000]);
        await _store.SeedAsync("registry.example.com:5000/team/app:v1.2.3", Created + 86_400 * 20 - 90, [999_600]);
        await _store.Images.TagAsync("busybox", ImageReference.Parse("busybox:1.36"), CancellationToken.None);

        using var output = new StringWriter();
        ImagesCommand.Render(await ImagesCommand.ListAsync(_store.Images, null, CancellationToken.None), Now, noTrunc: false, output);

        Golden.AssertMatches("images-table.txt", output.ToString());
    }

    [Fact]
    public async Task Inspect_prints_docker_shaped_json()
    {
        var (manifest, id) = await _store.SeedAsync("app:1", Created, [1000, 2000], RichConfig, withIndex: true);
        await _store.Images.TagAsync("app:1", ImageReference.Parse("localhost:5000/app:1"), CancellationToken.None);

        var run = _store.Run("inspect", "app:1");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var image = Assert.Single(json.RootElement.EnumerateArray().ToArray());
        Assert.Equal(id.ToString(), image.GetProperty("Id").GetString());
        Assert.Equal(["app:1", "localhost:5000/app:1"], image.GetProperty("RepoTags").EnumerateArray().Select(e => e.GetString()));
        Assert.All(image.GetProperty("RepoDigests").EnumerateArray(), d => Assert.DoesNotContain(manifest.Digest.ToString(), d.GetString(), StringComparison.Ordinal));
        Assert.Equal("2023-11-14T22:13:20Z", image.GetProperty("Created").GetString());
        Assert.Equal("amd64", image.GetProperty("Architecture").GetString());
        Assert.Equal("linux", image.GetProperty("Os").GetString());
        Assert.Equal("serve", image.GetProperty("Config").GetProperty("Cmd")[0].GetString());
        Assert.Equal("layers", image.GetProperty("RootFS").GetProperty("Type").GetString());
        Assert.Equal(2, image.GetProperty("RootFS").GetProperty("Layers").GetArrayLength());
        Golden.AssertMatches("inspect-rich.json", run.Output);
    }

    [Fact]
    public async Task Inspect_of_a_minimal_image_has_docker_nulls()
    {
        await _store.SeedAsync("scratchy", Created, [], new ContainerConfig());

        var run = _store.Run("inspect", "scratchy");

        Assert.True(run.ExitCode == 0, run.Error);
        Golden.AssertMatches("inspect-minimal.json", run.Output);
    }

    [Fact]
    public async Task Inspect_reports_missing_names_and_still_prints_the_rest()
    {
        await _store.SeedAsync("busybox", Created, [100]);

        var run = _store.Run("inspect", "busybox", "nothere");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("ERROR: kiln inspect: no such image: nothere\n", run.Error);
        Assert.Single(JsonDocument.Parse(run.Output).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task History_golden()
    {
        await _store.SeedAsync("app", Created, [1_234_567, 0, 52_000]);
        var image = await _store.Images.LoadAsync("app", CancellationToken.None);

        using var output = new StringWriter();
        HistoryCommand.Render(HistoryCommand.Rows(image), Now, noTrunc: false, output);
        using var full = new StringWriter();
        HistoryCommand.Render(HistoryCommand.Rows(image), Now, noTrunc: true, full);

        Golden.AssertMatches("history-table.txt", output.ToString());
        Golden.AssertMatches("history-table-no-trunc.txt", full.ToString());
    }

    [Fact]
    public async Task History_runs_in_process()
    {
        var (_, id) = await _store.SeedAsync("app", Created, [1000, 2000]);

        var run = _store.Run("history", "app");

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("IMAGE          CREATED", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(id.Encoded[..12], lines[1], StringComparison.Ordinal);
        Assert.StartsWith("<missing>", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_then_rm_then_the_blobs_are_gone()
    {
        var (manifest, id) = await _store.SeedAsync("busybox", Created, [5000]);

        Assert.Equal(0, _store.Run("tag", "busybox", "localhost/mine:v1").ExitCode);
        Assert.Equal(2, (await _store.Images.ListAsync(CancellationToken.None)).Length);

        var first = _store.Run("rm", "busybox");
        Assert.Equal("Untagged: busybox:latest\n", first.Output);
        Assert.True(_store.Content.Exists(manifest.Digest));

        var second = _store.Run("rmi", id.Encoded[..12]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal($"Untagged: localhost/mine:v1\nDeleted: {id}\n", second.Output);
        Assert.False(_store.Content.Exists(manifest.Digest));
        Assert.False(_store.Content.Exists(id));
    }

    [Fact]
    public async Task Rm_of_an_unknown_name_fails_but_removes_the_others()
    {
        await _store.SeedAsync("busybox", Created, [5000]);

        var run = _store.Run("rm", "nothere", "busybox");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such image: nothere", run.Error, StringComparison.Ordinal);
        Assert.Contains("Untagged: busybox:latest", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rm_keeps_blobs_when_the_store_is_busy()
    {
        var (manifest, _) = await _store.SeedAsync("busybox", Created, [5000]);
        using var lease = await _store.Content.LeaseAsync(CancellationToken.None);

        var run = _store.Run("rm", "busybox");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("kiln prune", run.Error, StringComparison.Ordinal);
        Assert.True(_store.Content.Exists(manifest.Digest));
    }

    [Fact]
    public async Task Prune_reports_what_it_freed()
    {
        await _store.SeedAsync("busybox", Created, [5000]);
        var stray = await _store.Content.WriteAsync(new byte[1500], CancellationToken.None);

        var run = _store.Run("prune");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal($"Deleted: {stray.Digest}\nTotal reclaimed space: 1.5kB\n", run.Output);
        Assert.Equal("Total reclaimed space: 0B\n", _store.Run("prune").Output);
    }

    [Theory]
    [InlineData("tag", "nothere", "x")]
    [InlineData("history", "nothere")]
    [InlineData("tag", "busybox", "Not/Valid")]
    [InlineData("images", "UPPER")]
    public async Task Errors_are_one_clear_line_and_exit_1(params string[] args)
    {
        await _store.SeedAsync("busybox", Created, [100]);

        var run = _store.Run(args);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"ERROR: kiln {args[0]}: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_damaged_images_json_is_reported_not_thrown()
    {
        await File.WriteAllTextAsync(System.IO.Path.Combine(_store.Path, "images.json"), "{not json");

        var run = _store.Run("images");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("images.json is damaged", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_comes_from_KILN_ROOT_when_no_option_is_given()
    {
        // KILN_ROOT is process-wide, so only the option path is exercised in-process; the rules are unit-tested
        // in Kiln.Content.Tests (StoreRootTests). Here: --root works before and after the subcommand.
        Assert.Equal(0, CliRun.Of("--root", _store.Path, "images").ExitCode);
        Assert.Equal(0, CliRun.Of("images", "--root", _store.Path).ExitCode);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("inspect")]
    [InlineData("history")]
    [InlineData("tag")]
    [InlineData("rm")]
    [InlineData("prune")]
    public void Every_image_command_has_help(string command)
    {
        var run = CliRun.Of(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Contains("--root", run.Output, StringComparison.Ordinal);
    }
}
