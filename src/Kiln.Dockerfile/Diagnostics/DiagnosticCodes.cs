namespace Kiln.Dockerfile.Diagnostics;

/// <summary>
/// Every diagnostic code Kiln's frontend emits. Codes never change meaning once released.
/// Ranges: DF1xxx parsing, DF2xxx shell-word expansion, DF3xxx instructions and flags,
/// DF4xxx stages, ARGs and targets, DF5xxx .dockerignore.
/// Each area keeps its codes in its own file of this partial class.
/// </summary>
public static partial class DiagnosticCodes;
