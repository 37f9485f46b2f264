using System.Collections.Immutable;
using Kiln.Build.Ports;

namespace Kiln.Build.Solver;

/// <summary>A finished build: what the exporter wrote and the size of every stage built.</summary>
public sealed record BuildResult(ExportResult Image, ImmutableArray<StageSize> Stages);
