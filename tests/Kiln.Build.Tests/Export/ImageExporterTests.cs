using System.Text.Json;
using Kiln.Build.Export;
using Kiln.Content.Images;
using Kiln.Content.Store;
using Kiln.Oci;
using Kiln.Registry;

namespace Kiln.Build.Tests.Export;

/// <summary>Each output type checked by a tool that is not Kiln: skopeo, umoci, GNU tar, docker-registry.</summary>
public sealed class ImageExporterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-export-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Image_output_names_the_image_in_the_local_store()
    {
        var (images, manifest) = await SetUpAsync();
        var result = await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Default, [ImageReference.Parse("kiln/test:1")], null, CancellationToken.None);
        Assert.Single(result.Named);
        var resolved = await images.ResolveAsync("kiln/test:1", CancellationToken.None);
        Assert.Equal(manifest.Digest, resolved.Manifest.Digest);
    }

    [Fact]
    public async Task Oci_output_is_read_by_skopeo_and_unpacked_by_umoci()
    {
        var (images, manifest) = await SetUpAsync();
        var file = Path.Combine(_directory, "image.tar");
        await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse($"type=oci,dest={file},name=kiln/oci:v1"), [], null, CancellationToken.None);

        using var inspect = JsonDocument.Parse(await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["inspect", "oci-archive:" + file]));
        Assert.Equal(manifest.Digest.ToString(), inspect.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(2, inspect.RootElement.GetProperty("Layers").GetArrayLength());

        var layout = Path.Combine(_directory, "layout");
        Directory.CreateDirectory(layout);
        await Tools.RunAsync(Tools.Require("/usr/bin/tar"), ["-xf", file, "-C", layout]);
        var bundle = Path.Combine(_directory, "bundle");
        await Tools.RunAsync(Tools.Require("/usr/bin/umoci"), ["unpack", "--rootless", "--image", layout + ":v1", bundle]);
        Assert.Equal("x\n", await File.ReadAllTextAsync(Path.Combine(bundle, "rootfs", "data", "x")));
        Assert.False(File.Exists(Path.Combine(bundle, "rootfs", "etc", "hello")));
    }

    [Fact]
    public async Task Docker_output_is_read_by_skopeo_and_an_unnamed_build_leaves_no_name_behind()
    {
        var (images, manifest) = await SetUpAsync();
        var file = Path.Combine(_directory, "docker.tar");
        await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse($"type=docker,dest={file}"), [], null, CancellationToken.None);

        using var inspect = JsonDocument.Parse(await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["inspect", "docker-archive:" + file]));
        Assert.Equal(2, inspect.RootElement.GetProperty("Layers").GetArrayLength());
        Assert.Empty(await images.ListAsync(CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_directory, ".*.tmp"));
    }

    [Fact]
    public async Task Tar_output_is_the_merged_rootfs_as_GNU_tar_lists_it()
    {
        var (images, manifest) = await SetUpAsync();
        var file = Path.Combine(_directory, "rootfs.tar");
        await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse($"type=tar,dest={file}"), [], null, CancellationToken.None);

        var listing = (await Tools.RunAsync(Tools.Require("/usr/bin/tar"), ["-tf", file])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["bin/", "bin/tool", "data/", "data/x", "etc/", "etc/link"], listing);
        var verbose = await Tools.RunAsync(Tools.Require("/usr/bin/tar"), ["-tvf", file]);
        Assert.Contains("-rwxr-xr-x", verbose, StringComparison.Ordinal);
        Assert.Contains("etc/link -> hello", verbose, StringComparison.Ordinal);

        using var stdout = new MemoryStream();
        await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse("-"), [], stdout, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(file), stdout.ToArray());
    }

    [Fact]
    public async Task Local_output_writes_the_rootfs_and_refuses_a_non_empty_directory()
    {
        var (images, manifest) = await SetUpAsync();
        var destination = Path.Combine(_directory, "out");
        await new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse(destination), [], null, CancellationToken.None);
        Assert.Equal("#!/bin/sh\necho tool\n", await File.ReadAllTextAsync(Path.Combine(destination, "bin", "tool")));
        Assert.Equal("hello", new FileInfo(Path.Combine(destination, "etc", "link")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(destination, "etc", "hello")));

        var error = await Assert.ThrowsAsync<OutputSpecException>(() =>
            new ImageExporter(images).ExportAsync(manifest, OutputSpec.Parse(destination), [], null, CancellationToken.None));
        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_output_with_push_reaches_a_registry_that_skopeo_reads()
    {
        var (images, manifest) = await SetUpAsync();
        await using var registry = await RegistryProcess.StartAsync(Path.Combine(_directory, "registry"));
        var name = ImageReference.Parse($"{registry.Host}/kiln/pushed:v1");
        var exporter = new ImageExporter(images, reference => new RegistryClient(reference.Registry));
        var result = await exporter.ExportAsync(manifest, OutputSpec.Parse($"type=image,name={name},push=true"), [], null, CancellationToken.None);
        Assert.Equal(name, Assert.Single(result.Pushed));

        // The plain local layers leave gzipped: a new manifest, the same config (same diffIDs).
        using var raw = JsonDocument.Parse(await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["inspect", "--raw", "--tls-verify=false", $"docker://{name}"]));
        var local = OciDocuments.ParseManifest(await images.Content.ReadAllBytesAsync(manifest.Digest, ImageStore.MaxDocumentSize, CancellationToken.None)).Value;
        Assert.Equal(local.Config.Digest.ToString(), raw.RootElement.GetProperty("config").GetProperty("digest").GetString());
        Assert.All(raw.RootElement.GetProperty("layers").EnumerateArray(), l => Assert.Equal(MediaTypes.OciLayerGzip, l.GetProperty("mediaType").GetString()));
        using var inspect = JsonDocument.Parse(await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["inspect", "--tls-verify=false", $"docker://{name}"]));
        Assert.NotEqual(manifest.Digest.ToString(), inspect.RootElement.GetProperty("Digest").GetString());

        // umoci unpacks what the registry holds to the same files.
        var layout = Path.Combine(_directory, "pulled");
        await Tools.RunAsync(Tools.Require("/usr/bin/skopeo"), ["copy", "--src-tls-verify=false", $"docker://{name}", $"oci:{layout}:v1"]);
        var bundle = Path.Combine(_directory, "pulled-bundle");
        await Tools.RunAsync(Tools.Require("/usr/bin/umoci"), ["unpack", "--rootless", "--image", layout + ":v1", bundle]);
        Assert.Equal("x\n", await File.ReadAllTextAsync(Path.Combine(bundle, "rootfs", "data", "x")));
    }

    private async Task<(ImageStore Images, Descriptor Manifest)> SetUpAsync()
    {
        var content = ContentStore.Open(new StoreRoot(Path.Combine(_directory, "store")));
        var manifest = await TestImageBuilder.CreateAsync(content);
        return (ImageStore.Open(content), manifest);
    }
}
