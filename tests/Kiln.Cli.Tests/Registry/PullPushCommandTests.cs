using System.Text.Json;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Registry;

/// <summary><c>kiln pull</c> and <c>kiln push</c> in-process against docker-registry, with skopeo as the independent check.</summary>
[Collection(RegistryCommandsGroup.Name)]
public sealed class PullPushCommandTests(PlainRegistry registry) : IDisposable
{
    private const string Skopeo = "/usr/bin/skopeo";
    private readonly CliSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private string Host => registry.Host;

    private static JsonElement Inspect(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement[0];
    }

    private static async Task<string> SkopeoDigestAsync(string reference)
    {
        var json = await Tools.RunAsync(Tools.Require(Skopeo), ["inspect", "--tls-verify=false", $"docker://{reference}"]);
        return JsonDocument.Parse(json).RootElement.GetProperty("Digest").GetString()!;
    }

    [Fact]
    public async Task Pull_stores_the_image_inspect_reads_it_and_a_second_pull_downloads_nothing()
    {
        var image = await SeedImage.PushAsync(Host, "cli/app", "v1", "pull-app");

        var first = _sandbox.Run("root", "pull", $"{Host}/cli/app:v1");

        Assert.True(first.ExitCode == 0, first.Error);
        var lines = first.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("v1: Pulling from cli/app", lines[0]);
        foreach (var layer in image.Layers)
        {
            Assert.Contains($"{layer.Digest.Encoded[..12]}: Pull complete", lines);
        }

        Assert.Equal($"Digest: {image.Manifest.Digest}", lines[^3]);
        Assert.Equal($"Status: Downloaded newer image for {Host}/cli/app:v1", lines[^2]);
        Assert.Equal($"{Host}/cli/app:v1", lines[^1]);

        // As docker pull extracts, the layers are unpacked (as root) for the first build or run to mount at once.
        Assert.Equal(image.Layers.Length, Directory.GetDirectories(System.IO.Path.Combine(_sandbox.Root("root"), "snapshots", "layers")).Length);

        var inspect = Inspect(_sandbox.Run("root", "inspect", $"{Host}/cli/app:v1"));
        Assert.Equal(image.Config.Digest.ToString(), inspect.GetProperty("Id").GetString());
        Assert.Equal($"{Host}/cli/app@{image.Manifest.Digest}", inspect.GetProperty("RepoDigests")[0].GetString());

        var second = _sandbox.Run("root", "pull", $"{Host}/cli/app:v1");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.DoesNotContain("Pull complete", second.Output, StringComparison.Ordinal);
        Assert.Contains($"{image.Layers[0].Digest.Encoded[..12]}: Already exists", second.Output, StringComparison.Ordinal);
        Assert.Contains($"Status: Image is up to date for {Host}/cli/app:v1", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_without_a_tag_uses_latest_and_pull_by_digest_names_the_digest()
    {
        var image = await SeedImage.PushAsync(Host, "cli/plain", "latest", "pull-latest");

        var latest = _sandbox.Run("root", "pull", $"{Host}/cli/plain");
        Assert.True(latest.ExitCode == 0, latest.Error);
        Assert.StartsWith("Using default tag: latest\nlatest: Pulling from cli/plain\n", latest.Output, StringComparison.Ordinal);

        var byDigest = _sandbox.Run("fresh", "pull", $"{Host}/cli/plain@{image.Manifest.Digest}");
        Assert.True(byDigest.ExitCode == 0, byDigest.Error);
        Assert.StartsWith($"{image.Manifest.Digest}: Pulling from cli/plain\n", byDigest.Output, StringComparison.Ordinal);
        Assert.EndsWith($"{Host}/cli/plain@{image.Manifest.Digest}\n", byDigest.Output, StringComparison.Ordinal);
        Assert.Equal(image.Config.Digest.ToString(), Inspect(_sandbox.Run("fresh", "inspect", $"{Host}/cli/plain@{image.Manifest.Digest}")).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Pull_of_an_index_takes_the_host_platform_and_platform_takes_another()
    {
        var (index, images) = await SeedImage.PushIndexAsync(Host, "cli/multi", "v1", "linux/amd64", "linux/arm64");
        var hostKey = OciPlatform.Host.Architecture == "arm64" ? "linux/arm64" : "linux/amd64";
        var otherKey = hostKey == "linux/arm64" ? "linux/amd64" : "linux/arm64";

        var host = _sandbox.Run("root", "pull", $"{Host}/cli/multi:v1");
        Assert.True(host.ExitCode == 0, host.Error);
        Assert.Contains($"Digest: {index.Digest}\n", host.Output, StringComparison.Ordinal);
        var hostInspect = Inspect(_sandbox.Run("root", "inspect", $"{Host}/cli/multi:v1"));
        Assert.Equal(images[hostKey].Config.Digest.ToString(), hostInspect.GetProperty("Id").GetString());

        var other = _sandbox.Run("other", "pull", "--platform", otherKey, $"{Host}/cli/multi:v1");
        Assert.True(other.ExitCode == 0, other.Error);
        var otherInspect = Inspect(_sandbox.Run("other", "inspect", $"{Host}/cli/multi:v1"));
        Assert.Equal(images[otherKey].Config.Digest.ToString(), otherInspect.GetProperty("Id").GetString());
        Assert.Equal(otherKey.Split('/')[1], otherInspect.GetProperty("Architecture").GetString());
        Assert.Equal($"{Host}/cli/multi@{index.Digest}", otherInspect.GetProperty("RepoDigests")[0].GetString());

        var missing = _sandbox.Run("other", "pull", "--platform", "linux/ppc64le", $"{Host}/cli/multi:v1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("has no image for linux/ppc64le; it has: linux/amd64, linux/arm64", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_errors_for_an_unknown_image_a_closed_port_and_a_bad_platform()
    {
        var unknown = _sandbox.Run("root", "pull", $"{Host}/cli/does-not-exist:v1");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("ERROR: kiln pull: ", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("MANIFEST_UNKNOWN", unknown.Error, StringComparison.Ordinal);
        Assert.Contains(Host, unknown.Error, StringComparison.Ordinal);

        var closed = _sandbox.Run("root", "pull", $"127.0.0.1:{Tools.FreePort()}/cli/app:v1");
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("cannot reach registry 127.0.0.1:", closed.Error, StringComparison.Ordinal);
        Assert.Contains("Connection refused", closed.Error, StringComparison.Ordinal);

        var platform = _sandbox.Run("root", "pull", "--platform", "linux//x", $"{Host}/cli/app:v1");
        Assert.Equal(1, platform.ExitCode);
        Assert.Contains("--platform", platform.Error, StringComparison.Ordinal);

        var push = _sandbox.Run("root", "push", "no-such-image");
        Assert.Equal(1, push.ExitCode);
        Assert.Contains("no such image: no-such-image", push.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_is_seen_by_skopeo_with_the_same_digest_and_another_repository_mounts()
    {
        var image = await SeedImage.PushAsync(Host, "cli/source", "v1", "push-source", layers: 3);
        Assert.Equal(0, _sandbox.Run("root", "pull", $"{Host}/cli/source:v1").ExitCode);
        Assert.Equal(0, _sandbox.Run("root", "tag", $"{Host}/cli/source:v1", $"localhost:{registry.Server.Port}/cli/pushed:v2").ExitCode);

        // localhost:PORT is this registry under another name, so no local name offers a mount: every layer is sent.
        var push = _sandbox.Run("root", "push", $"localhost:{registry.Server.Port}/cli/pushed:v2");

        Assert.True(push.ExitCode == 0, push.Error);
        Assert.StartsWith($"The push refers to repository [localhost:{registry.Server.Port}/cli/pushed]\n", push.Output, StringComparison.Ordinal);
        foreach (var layer in image.Layers)
        {
            Assert.Contains($"{layer.Digest.Encoded[..12]}: Pushed\n", push.Output, StringComparison.Ordinal);
        }

        Assert.EndsWith($"v2: digest: {image.Manifest.Digest} size: {image.Manifest.Size}\n", push.Output, StringComparison.Ordinal);
        Assert.Equal(image.Manifest.Digest.ToString(), await SkopeoDigestAsync($"{Host}/cli/pushed:v2"));

        var mounted = _sandbox.Run("root", "push", $"{Host}/cli/source:v1", $"{Host}/cli/mounted:v3");
        Assert.True(mounted.ExitCode == 0, mounted.Error);
        Assert.DoesNotContain("Pushed", mounted.Output, StringComparison.Ordinal);
        Assert.Contains($"{image.Layers[0].Digest.Encoded[..12]}: Mounted from cli/source\n", mounted.Output, StringComparison.Ordinal);
        Assert.Equal(image.Manifest.Digest.ToString(), await SkopeoDigestAsync($"{Host}/cli/mounted:v3"));

        var again = _sandbox.Run("root", "push", $"{Host}/cli/source:v1", $"{Host}/cli/mounted:v3");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains($"{image.Layers[0].Digest.Encoded[..12]}: Layer already exists\n", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Round_trip_pull_save_load_push_keeps_every_digest()
    {
        var image = await SeedImage.PushAsync(Host, "cli/trip", "v1", "round-trip", layers: 2);
        var archive = Path.Combine(_sandbox.Path, "trip.tar");

        Assert.Equal(0, _sandbox.Run("a", "pull", $"{Host}/cli/trip:v1").ExitCode);
        var save = _sandbox.Run("a", "save", "-o", archive, $"{Host}/cli/trip:v1");
        Assert.True(save.ExitCode == 0, save.Error);
        var load = _sandbox.Run("b", "load", "-i", archive);
        Assert.True(load.ExitCode == 0, load.Error);

        // localhost:PORT: a name with no mount source, so the loaded blobs themselves are uploaded.
        var destination = $"localhost:{registry.Server.Port}/cli/trip-back:v1";
        var push = _sandbox.Run("b", "push", $"{Host}/cli/trip:v1", destination);
        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Contains($"{image.Layers[0].Digest.Encoded[..12]}: Pushed", push.Output, StringComparison.Ordinal);

        var raw = await Tools.RunAsync(Skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{Host}/cli/trip-back:v1"]);
        Assert.Equal(image.Manifest.Digest, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n'))));
        var inspected = JsonDocument.Parse(await Tools.RunAsync(Skopeo, ["inspect", "--tls-verify=false", $"docker://{Host}/cli/trip-back:v1"])).RootElement;
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), inspected.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));

        // And back again into a third store: the same image id, manifest and layers.
        Assert.Equal(0, _sandbox.Run("c", "pull", $"{Host}/cli/trip-back:v1").ExitCode);
        var c = Inspect(_sandbox.Run("c", "inspect", $"{Host}/cli/trip-back:v1"));
        Assert.Equal(image.Config.Digest.ToString(), c.GetProperty("Id").GetString());
        Assert.Equal($"{Host}/cli/trip-back@{image.Manifest.Digest}", c.GetProperty("RepoDigests")[0].GetString());
    }
}
