using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Kiln.Oci;

/// <summary>The platform an image runs on, as an index entry states it (OCI image spec, image index "platform").</summary>
public sealed record OciPlatform(
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("os")] string Os)
{
    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImmutableArray<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>
    /// The platform this process runs on, normalised; what a build or pull targets when no <c>--platform</c> is
    /// given. (containerd reads /proc/cpuinfo for the arm variant; this stays pure and uses the defaults.)
    /// </summary>
    public static OciPlatform Host { get; } = new OciPlatform(HostArchitecture(), "linux").Normalize();

    /// <summary>
    /// Parses a containerd-style specifier, <c>os</c>, <c>arch</c> or <c>os/arch[/variant]</c>, and normalises it
    /// (<see cref="Normalize"/>). A lone OS takes the host's architecture; a lone architecture takes linux.
    /// </summary>
    public static OciPlatform Parse(string specifier) =>
        TryParse(specifier, out var platform, out var error) ? platform : throw new OciFormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? specifier, out OciPlatform platform, [NotNullWhen(false)] out string? error)
    {
        platform = Host;
        if (string.IsNullOrEmpty(specifier))
        {
            error = "a platform cannot be empty: expected os/arch[/variant], for example linux/amd64";
            return false;
        }

        var parts = specifier.Split('/');
        foreach (var part in parts)
        {
            if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                error = $"invalid platform \"{specifier}\": expected os/arch[/variant], for example linux/amd64";
                return false;
            }
        }

        switch (parts.Length)
        {
            case 1:
                var single = parts[0].ToLowerInvariant();
                if (IsKnownOs(NormalizeOs(single)))
                {
                    platform = Host with { Os = NormalizeOs(single) };
                }
                else if (IsKnownArchitecture(NormalizeArchitecture(single, null).Architecture))
                {
                    platform = new OciPlatform(single, "linux").Normalize();
                }
                else
                {
                    error = $"invalid platform \"{specifier}\": unknown operating system or architecture";
                    return false;
                }

                break;
            case 2:
                platform = new OciPlatform(parts[1], parts[0]).Normalize();
                break;
            case 3:
                platform = new OciPlatform(parts[1], parts[0]) { Variant = parts[2] }.Normalize();
                break;
            default:
                error = $"invalid platform \"{specifier}\": expected at most three parts, os/arch/variant";
                return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// The canonical spelling containerd compares in: lower case, <c>x86_64</c> is <c>amd64</c>, <c>aarch64</c> is
    /// <c>arm64</c>, <c>armhf</c> is <c>arm/v7</c>, <c>macos</c> is <c>darwin</c>. Unlike containerd, which drops
    /// arm64's default variant, the default variants are filled in (arm64 <c>v8</c>, arm <c>v7</c>) so that every
    /// normalised platform states its variant where one applies; matching is unaffected.
    /// </summary>
    public OciPlatform Normalize()
    {
        var (architecture, variant) = NormalizeArchitecture(Architecture.ToLowerInvariant(), Variant?.ToLowerInvariant());
        return this with
        {
            Os = NormalizeOs(Os.ToLowerInvariant()),
            Architecture = architecture,
            Variant = variant,
        };
    }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    internal static (string Architecture, string? Variant) NormalizeArchitecture(string architecture, string? variant)
    {
        variant = string.IsNullOrEmpty(variant) ? null : variant;
        switch (architecture)
        {
            case "i386" or "386":
                return ("386", null);
            case "x86_64" or "x86-64" or "amd64":
                return ("amd64", variant is "v1" ? null : variant);
            case "aarch64" or "arm64":
                return ("arm64", variant switch
                {
                    null or "8" or "v8" or "v8.0" => "v8",
                    "9" or "9.0" or "v9.0" => "v9",
                    _ => variant,
                });
            case "armhf":
                return ("arm", "v7");
            case "armel":
                return ("arm", "v6");
            case "arm":
                return ("arm", variant switch
                {
                    null or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                });
            default:
                return (architecture, variant);
        }
    }

    private static string NormalizeOs(string os) => os == "macos" ? "darwin" : os;

    // Go's list of GOOS and GOARCH values (go/build/syslist.go), which containerd uses to tell "linux" from "amd64".
    private static bool IsKnownOs(string os) => os is "aix" or "android" or "darwin" or "dragonfly" or "freebsd" or "hurd" or "illumos" or
        "ios" or "js" or "linux" or "nacl" or "netbsd" or "openbsd" or "plan9" or "solaris" or "wasip1" or "windows" or "zos";

    private static bool IsKnownArchitecture(string architecture) => architecture is "386" or "amd64" or "amd64p32" or "arm" or "armbe" or
        "arm64" or "arm64be" or "ppc64" or "ppc64le" or "loong64" or "mips" or "mipsle" or "mips64" or "mips64le" or "mips64p32" or
        "mips64p32le" or "ppc" or "riscv" or "riscv64" or "s390" or "s390x" or "sparc" or "sparc64" or "wasm";

    private static string HostArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm or System.Runtime.InteropServices.Architecture.Armv6 => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
        var other => other.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
