using Kiln.Oci;

namespace Kiln.Build.Cache;

/// <summary>
/// The identity of a step's result: the sha256 of the step's canonical encoding (<see cref="CacheKeyWriter"/>),
/// which contains the parent step's key, so a key stands for the whole chain of steps up to it.
/// </summary>
public readonly record struct CacheKey(Digest Value)
{
    public override string ToString() => Value.ToString();
}
