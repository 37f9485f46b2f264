using System.Collections.Immutable;
using Kiln.Build.Ports;

namespace Kiln.Build.Solver;

/// <summary>What a RUN starts: the argv, and the read-only files mounted for it (a <c>#!</c> heredoc script).</summary>
internal sealed record RunProcess(ImmutableArray<string> Args, ImmutableArray<ExecFile> Files);
