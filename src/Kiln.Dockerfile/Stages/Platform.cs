using System.Diagnostics.CodeAnalysis;

namespace Kiln.Dockerfile.Stages;

/// <summary>
/// An os/architecture[/variant] triple as Dockerfiles write it (<c>linux/arm64/v8</c>): the value of
/// <c>--platform</c> and of the predefined <c>TARGETPLATFORM</c>/<c>BUILDPLATFORM</c> arguments.
/// </summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static Platform LinuxAmd64 { get; } = new("linux", "amd64");

    /// <summary>The platform this process runs on, in OCI names.</summary>
    public static Platform Host { get; } = new("linux", HostArchitecture());

    public static bool TryParse(string text, [NotNullWhen(true)] out Platform? platform)
    {
        platform = null;
        var parts = text.ToLowerInvariant().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0 || !p.All(IsNameChar)))
        {
            return false;
        }

        platform = new Platform(parts[0], NormalizeArchitecture(parts[1]), parts.Length == 3 ? parts[2] : null);
        return true;
    }

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.';

    // The names people write are not always the OCI ones; the OCI image spec lists GOARCH values.
    private static string NormalizeArchitecture(string architecture) => architecture switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        "i386" or "i686" => "386",
        _ => architecture,
    };

    private static string HostArchitecture() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loong64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
