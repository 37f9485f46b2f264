using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Kiln.Cli.Tests.Build;
using Kiln.Cli.Tests.Registry;
using Kiln.Oci;

namespace Kiln.Cli.Tests.Images;

/// <summary>
/// A corpus of minimal valid images, each with only the fields the image spec requires (no <c>config</c> object, no
/// <c>history</c>, <c>created</c> or <c>author</c>; no <c>mediaType</c> in an OCI manifest or index; a docker archive's
/// manifest.json with neither <c>RepoTags</c> beyond the name nor anything else), driven through every command that
/// reads one: load, inspect, history, FROM with a RUN, run, save, push, pull and FROM of the pulled name.
/// </summary>
[Collection(RegistryCommandsGroup.Name)]
public sealed class MinimalImageTests(PlainRegistry registry, BusyboxBase busybox) : IClassFixture<BusyboxBase>
{
    public static TheoryData<string> Shapes => ["oci-layout", "oci-layout-docker-manifest", "docker-archive"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_command_takes_an_image_that_leaves_out_every_optional_field(string shape)
    {
        using var w = new BuildWorkspace(busybox);
        var name = $"localhost/minimal/{shape}:1";
        var (archive, configDigest) = WriteArchive(w, shape, name);

        var load = w.Kiln("load", "-i", archive);
        Assert.True(load.ExitCode == 0, load.Error);
        Assert.Equal(configDigest.ToString(), Id(w.Kiln("inspect", name)));
        var history = w.Kiln("history", name);
        Assert.True(history.ExitCode == 0, history.Error);

        w.Write("Dockerfile", $"FROM {name}\nRUN echo built > /built\n");
        w.Build("-t", "from-minimal:1");
        Assert.Equal("built\n", w.Kiln("run", "--rm", "from-minimal:1", "cat", "/built").Output);
        var run = w.Kiln("run", "--rm", name, "echo", "ran");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("ran\n", run.Output);

        var saved = w.PathOf("saved.tar");
        var save = w.Kiln("save", "-o", saved, name);
        Assert.True(save.ExitCode == 0, save.Error);
        using (var reloaded = new BuildWorkspace(busybox))
        {
            var again = reloaded.Kiln("load", "-i", saved);
            Assert.True(again.ExitCode == 0, again.Error);
            Assert.Equal(configDigest.ToString(), Id(reloaded.Kiln("inspect", name)));
        }

        var remote = $"{registry.Host}/minimal/{shape}:1";
        Assert.Equal(0, w.Kiln("tag", name, remote).ExitCode);
        var push = w.Kiln("push", remote);
        Assert.True(push.ExitCode == 0, push.Error);

        using var fresh = new BuildWorkspace(busybox);
        var pull = fresh.Kiln("pull", remote);
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Equal(configDigest.ToString(), Id(fresh.Kiln("inspect", remote)));
        fresh.Write("Dockerfile", $"FROM {remote}\nRUN echo pulled > /pulled\n");
        fresh.Build("-t", "from-pulled:1");
        Assert.Equal("pulled\n", fresh.Kiln("run", "--rm", "from-pulled:1", "cat", "/pulled").Output);
    }

    private static string Id(CliRun inspect)
    {
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        return JsonDocument.Parse(inspect.Output).RootElement[0].GetProperty("Id").GetString()!;
    }

    /// <summary>Busybox's rootfs as the one uncompressed layer of an image in <paramref name="shape"/>; the image's config digest.</summary>
    private (string Archive, Digest Config) WriteArchive(BuildWorkspace w, string shape, string name)
    {
        var layer = File.ReadAllBytes(busybox.Tar);
        var diffId = Digest.Sha256Of(layer);
        var docker = shape != "oci-layout";
        if (shape == "oci-layout-docker-manifest")
        {
            using var gzipped = new MemoryStream();
            using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest))
            {
                gzip.Write(layer);
            }

            layer = gzipped.ToArray();
        }

        var layerDigest = Digest.Sha256Of(layer);
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"{{{OciPlatform.Host.Architecture}}}","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        var configDigest = Digest.Sha256Of(config);
        var path = w.PathOf($"{shape}.tar");
        using var file = File.Create(path);
        using var tar = new TarWriter(file, TarEntryFormat.Pax);
        if (shape == "docker-archive")
        {
            Add(tar, $"{configDigest.Encoded}.json", config);
            Add(tar, $"{layerDigest.Encoded}/layer.tar", layer);
            Add(tar, "manifest.json", Encoding.UTF8.GetBytes($$"""[{"Config":"{{configDigest.Encoded}}.json","RepoTags":["{{name}}"],"Layers":["{{layerDigest.Encoded}}/layer.tar"]}]"""));
            return (path, configDigest);
        }

        var manifest = Encoding.UTF8.GetBytes(docker
            ? $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifest}}","config":{"mediaType":"{{MediaTypes.DockerConfig}}","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"{{MediaTypes.DockerLayerGzip}}","digest":"{{layerDigest}}","size":{{layer.Length}}}]}"""
            : $$"""{"schemaVersion":2,"config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{"mediaType":"{{MediaTypes.OciLayer}}","digest":"{{layerDigest}}","size":{{layer.Length}}}]}""");
        var manifestDigest = Digest.Sha256Of(manifest);
        var manifestType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest;
        Add(tar, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        Add(tar, "index.json", Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{manifestType}}}","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},"annotations":{"io.containerd.image.name":"{{{name}}}"}}]}"""));
        Add(tar, $"blobs/sha256/{configDigest.Encoded}", config);
        Add(tar, $"blobs/sha256/{layerDigest.Encoded}", layer);
        Add(tar, $"blobs/sha256/{manifestDigest.Encoded}", manifest);
        return (path, configDigest);
    }

    private static void Add(TarWriter tar, string name, byte[] content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
}
