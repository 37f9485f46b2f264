namespace Kiln.Dockerfile.Tests.Instructions;

/// <summary>
/// Sequence equality for ImmutableArray results: xunit would otherwise use ImmutableArray's own
/// (reference) equality when the expected value is a collection expression of the same type.
/// </summary>
internal static class AssertSeq
{
    public static void Equal<T>(T[] expected, IEnumerable<T> actual) => Assert.Equal(expected, actual.ToArray());
}
