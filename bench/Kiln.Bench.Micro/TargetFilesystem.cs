namespace Kiln.Bench.Micro;

/// <summary>Where LayerExtractionBenchmarks writes: the temp directory's filesystem, or tmpfs.</summary>
public enum TargetFilesystem
{
    TempDir,
    DevShm,
}
