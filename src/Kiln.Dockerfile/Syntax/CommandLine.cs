using System.Collections.Immutable;

namespace Kiln.Dockerfile.Syntax;

/// <summary>An instruction line split into keyword (as written), leading <c>--flags</c>, and the trimmed rest.</summary>
internal readonly record struct CommandLine(string Keyword, ImmutableArray<string> Flags, string Rest);
