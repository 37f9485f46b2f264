using System.Collections.Immutable;

namespace Kiln.Content.Layers;

/// <summary>What an extraction did: how many entries it applied and what it had to skip, in archive order.</summary>
public sealed record ExtractResult(int Entries, ImmutableArray<string> Warnings);
