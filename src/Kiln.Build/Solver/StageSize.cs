namespace Kiln.Build.Solver;

/// <summary>A built stage and the size of its image (all its layers, compressed), for the end-of-build summary.</summary>
public sealed record StageSize(string Name, long Size);
