using System.Runtime.InteropServices;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>
/// Picks an index entry for a platform the way containerd's default matcher does for Linux: os and architecture
/// must be equal; a requested variant must be equal, with arm64's absent variant meaning v8.
/// </summary>
internal static class PlatformSelector
{
    public static OciPlatform Host => new(
        RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            Architecture.X86 => "386",
            Architecture.S390x => "s390x",
            Architecture.Ppc64le => "ppc64le",
            Architecture.RiscV64 => "riscv64",
            Architecture.LoongArch64 => "loong64",
            var other => other.ToString().ToLowerInvariant(),
        },
        "linux");

    public static Descriptor? Select(IEnumerable<Descriptor> manifests, OciPlatform wanted)
    {
        var candidates = manifests.Where(m => m.Platform is { } p
            && string.Equals(p.Os, wanted.Os, StringComparison.Ordinal)
            && string.Equals(p.Architecture, wanted.Architecture, StringComparison.Ordinal)).ToList();
        if (wanted.Variant is { } variant)
        {
            return candidates.FirstOrDefault(m => string.Equals(Variant(m.Platform!), Normalize(wanted.Architecture, variant), StringComparison.Ordinal));
        }

        return candidates.FirstOrDefault();
    }

    private static string? Variant(OciPlatform platform) => Normalize(platform.Architecture, platform.Variant);

    private static string? Normalize(string architecture, string? variant) =>
        architecture == "arm64" && variant is null or "8" ? "v8" : variant;
}
