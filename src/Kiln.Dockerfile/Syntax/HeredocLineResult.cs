using System.Collections.Immutable;

namespace Kiln.Dockerfile.Syntax;

/// <summary>The heredoc markers of one instruction line in order (bodies still empty), or the first marker's error.</summary>
internal readonly record struct HeredocLineResult(ImmutableArray<Heredoc> Heredocs, string? Error);
