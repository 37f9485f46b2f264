using Kiln.Build.Context;
using Kiln.Build.Copy;
using Kiln.Content.Layers;
using Kiln.Content.Tar;

namespace Kiln.Build.Tests.Copy;

/// <summary>
/// Property: a random tree (<see cref="RandomTree"/>: names of any bytes, every file type, special mode bits, large
/// owners, xattrs, mtimes) copied by COPY --from, written as a layer and extracted again, is the same tree: the
/// same names, types, modes, owners, mtimes, contents, link targets, device numbers, xattrs and hard links. A failure
/// names the seed; KILN_PROPERTY_SEED=N replays it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FilePreservationPropertyTests
{
    [Fact]
    public async Task Copy_then_layer_then_extraction_keeps_every_file_as_it_was()
    {
        if (!Prerequisites.Root())
        {
            return;
        }

        foreach (var seed in RandomTree.Seeds(1, 2, 3))
        {
            using var w = new CopyWorkspace();
            var stage = RawFiles.Join(RawFiles.Bytes(w.Root), "stage"u8.ToArray());
            RawFiles.Mkdir(stage, 0x1ED);
            var source = RawFiles.Join(stage, "src"u8.ToArray());
            RawFiles.Mkdir(source, 0x1ED);
            RandomTree.Make(source, seed);
            var expected = RawFiles.Snapshot(source);

            // COPY --from keeps owners (a context COPY would make them 0:0, as BuildKit does).
            var root = CopySourceRoot.FromDirectory(RawFiles.Show(stage), "stage");
            await CopyExecutor.ExecuteAsync(CopyWorkspace.CopyOf("/d/", "/src/"), root, w.Target, CopyOptions.Default, CancellationToken.None);
            var target = RawFiles.Bytes(w.Target);
            Same(seed, "COPY", expected, RawFiles.Snapshot(RawFiles.Join(target, "d"u8.ToArray())));

            var layer = new MemoryStream();
            await new DirectoryLayerSource(w.Target).WriteAsync(layer, CancellationToken.None);
            var extracted = RawFiles.Join(RawFiles.Bytes(w.Root), "extracted"u8.ToArray());
            RawFiles.Mkdir(extracted, 0x1ED);
            layer.Position = 0;
            await LayerExtractor.ExtractAsync(layer, RawFiles.Show(extracted), ExtractOptions.Default, CancellationToken.None);
            Same(seed, "layer and extraction", expected, RawFiles.Snapshot(RawFiles.Join(extracted, "d"u8.ToArray())));
        }
    }

    private static void Same(int seed, string step, List<string> expected, List<string> actual)
    {
        var first = Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
            .FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
        Assert.True(
            first < 0,
            $"seed {seed} (replay with KILN_PROPERTY_SEED={seed}): {step} changed the tree at entry {first}\n" +
            $"expected: {(first >= 0 && first < expected.Count ? expected[first] : "(none)")}\n" +
            $"actual:   {(first >= 0 && first < actual.Count ? actual[first] : "(none)")}");
    }
}
