namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// One <c>RUN --mount=...</c>, with BuildKit's option names and defaults.
/// </summary>
/// <param name="Spec">The flag value as written (a CSV list of <c>key[=value]</c> fields).</param>
/// <param name="Type">type=; bind by default.</param>
/// <param name="From">from= (bind, cache): a stage name or image; never expanded by BuildKit.</param>
/// <param name="Source">source= / src=.</param>
/// <param name="Target">target= / dst= / destination=; null when not given (BuildKit then uses the working directory, or a default path for secret and ssh).</param>
/// <param name="ReadOnly">ro / readonly / rw / readwrite; when none is given: false for cache and tmpfs, true otherwise.</param>
/// <param name="SizeLimit">size= (tmpfs only), in bytes; null = unlimited.</param>
/// <param name="Id">id= (cache, secret, ssh).</param>
/// <param name="Sharing">sharing= (cache only); null when not given (BuildKit then uses shared).</param>
/// <param name="Required">required (secret, ssh): fail when the secret or agent is missing.</param>
/// <param name="Env">env= (secret): also (or instead) expose the secret as this variable.</param>
/// <param name="Mode">mode= (cache, secret, ssh), octal.</param>
/// <param name="Uid">uid= (cache, secret, ssh).</param>
/// <param name="Gid">gid= (cache, secret, ssh).</param>
/// <param name="IsResolved">
/// False when some option values still need variable expansion: BuildKit defers every option value to
/// dispatch; we validate literal values at parse time and the rest in <see cref="RunInstruction.Expand"/>.
/// </param>
public sealed record RunMount(
    string Spec,
    MountType Type,
    string? From,
    string? Source,
    string? Target,
    bool ReadOnly,
    long? SizeLimit,
    string? Id,
    MountSharing? Sharing,
    bool Required,
    string? Env,
    uint? Mode,
    uint? Uid,
    uint? Gid,
    bool IsResolved);
