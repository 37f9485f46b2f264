using Kiln.Content.Layers;
using Kiln.Runtime.Linux.Overlay;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// Property: a random tree (<see cref="RandomTree"/>) as a RUN leaves it in an overlay upper, turned into a layer by
/// the overlay differ and extracted again, is the same tree. A failure names the seed; KILN_PROPERTY_SEED=N
/// replays it.
/// </summary>
public sealed class DifferPreservationPropertyTests
{
    [Fact]
    public async Task A_run_made_tree_survives_the_differ_and_extraction()
    {
        Tool.RequireRoot();
        foreach (var seed in RandomTree.Seeds(1, 2, 3))
        {
            using var store = new TestStore();
            var work = RawFiles.Join(RawFiles.Bytes(store.Path), "work"u8.ToArray());
            RawFiles.Mkdir(work, 0x1ED);
            var upper = RawFiles.Join(work, "upper"u8.ToArray());
            RawFiles.Mkdir(upper, 0x1ED);
            var made = RawFiles.Join(upper, "d"u8.ToArray());
            RawFiles.Mkdir(made, 0x1ED);
            RandomTree.Make(made, seed);
            var expected = RawFiles.Snapshot(made);

            var blob = await OverlayDiffer.DiffAsync(RawFiles.Show(upper), store.Content, null, CancellationToken.None);
            var extracted = RawFiles.Join(work, "extracted"u8.ToArray());
            RawFiles.Mkdir(extracted, 0x1ED);
            await using (var layer = await store.Content.OpenReadAsync(blob.Digest, CancellationToken.None))
            {
                await LayerExtractor.ExtractAsync(layer, RawFiles.Show(extracted), ExtractOptions.Default, CancellationToken.None);
            }

            var actual = RawFiles.Snapshot(RawFiles.Join(extracted, "d"u8.ToArray()));
            var first = Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
                .FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
            Assert.True(
                first < 0,
                $"seed {seed} (replay with KILN_PROPERTY_SEED={seed}): the differ and extraction changed the tree at entry {first}\n" +
                $"expected: {(first >= 0 && first < expected.Count ? expected[first] : "(none)")}\n" +
                $"actual:   {(first >= 0 && first < actual.Count ? actual[first] : "(none)")}");

            // TestStore deletes its directory with System.IO, which cannot see names that are not UTF-8.
            RawFiles.RemoveAll(work);
        }
    }
}
