namespace Kiln.Content.Tar;

/// <summary>A stretch of a sparse file that has data; everything between regions is a hole (reads as zeros).</summary>
public readonly record struct SparseRegion(long Offset, long Length);
