using System.Collections.Immutable;
using System.Globalization;

namespace Kiln.Oci;

/// <summary>
/// Chooses what to run for a wanted platform the way containerd's default matcher (<c>platforms.Only</c>) does:
/// the exact platform first, then the ones its CPU can also run, best first: arm/v7 also takes v6 and v5;
/// arm64 also takes lower arm64 v8.x minors and 32-bit arm v8 down to v5; amd64/v3 takes v2, v1, then 386.
/// </summary>
/// <remarks>https://github.com/containerd/platforms/blob/v0.2.1/compare.go</remarks>
public sealed class PlatformMatcher
{
    private readonly ImmutableArray<OciPlatform> _preferences;

    public PlatformMatcher(OciPlatform wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        Wanted = wanted.Normalize();
        _preferences = [.. Vector(Wanted)];
    }

    public OciPlatform Wanted { get; }

    /// <summary>The platforms accepted, most preferred first.</summary>
    public ImmutableArray<OciPlatform> Preferences => _preferences;

    public bool Matches(OciPlatform candidate) => Rank(candidate) >= 0;

    /// <summary>0 for the wanted platform, higher for fallbacks, -1 when the platform cannot run.</summary>
    public int Rank(OciPlatform candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var normalized = candidate.Normalize();
        for (var i = 0; i < _preferences.Length; i++)
        {
            var preference = _preferences[i];
            if (preference.Os == normalized.Os && preference.Architecture == normalized.Architecture &&
                preference.Variant == normalized.Variant)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The best manifest (or nested index) of <paramref name="index"/> for the wanted platform, or null when none
    /// fits. Ties go to the earlier entry. Entries without a platform come last, as in containerd: the caller must
    /// then check the config's platform. Entries that are not manifests or indexes (attestations are
    /// <c>unknown/unknown</c> manifests and never match) are skipped.
    /// </summary>
    public Descriptor? SelectManifest(ImageIndex index) => Candidates(index).FirstOrDefault();

    /// <summary>All fitting entries of <paramref name="index"/>, best first.</summary>
    public ImmutableArray<Descriptor> Candidates(ImageIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var ranked = new List<(int Rank, int Position, Descriptor Descriptor)>();
        for (var i = 0; i < index.Manifests.Length; i++)
        {
            var descriptor = index.Manifests[i];
            if (!MediaTypes.IsManifest(descriptor.MediaType) && !MediaTypes.IsIndex(descriptor.MediaType))
            {
                continue;
            }

            var rank = descriptor.Platform is null ? int.MaxValue : Rank(descriptor.Platform);
            if (rank >= 0)
            {
                ranked.Add((rank, i, descriptor));
            }
        }

        return [.. ranked.OrderBy(r => r.Rank).ThenBy(r => r.Position).Select(r => r.Descriptor)];
    }

    private static List<OciPlatform> Vector(OciPlatform platform)
    {
        var vector = new List<OciPlatform> { platform };
        switch (platform.Architecture)
        {
            case "amd64":
                if (VersionOf(platform.Variant) is { } amd64 && amd64 > 1)
                {
                    for (var v = amd64 - 1; v >= 1; v--)
                    {
                        vector.Add(platform with { Variant = v == 1 ? null : "v" + v.ToString(CultureInfo.InvariantCulture) });
                    }
                }

                vector.Add(platform with { Architecture = "386", Variant = null });
                break;
            case "arm":
                if (VersionOf(platform.Variant) is { } arm && arm > 5)
                {
                    for (var v = arm - 1; v >= 5; v--)
                    {
                        vector.Add(platform with { Variant = "v" + v.ToString(CultureInfo.InvariantCulture) });
                    }
                }

                break;
            case "arm64":
                AddArm64(platform, vector);
                break;
        }

        return vector;
    }

    private static void AddArm64(OciPlatform platform, List<OciPlatform> vector)
    {
        var variant = platform.Variant ?? "v8";
        var dot = variant.IndexOf('.', StringComparison.Ordinal);
        var major = VersionOf(dot < 0 ? variant : variant[..dot]);
        if (major is >= 8)
        {
            var minor = dot >= 0 && int.TryParse(variant.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
            if (major == 9)
            {
                for (var v = minor - 1; v >= 0; v--)
                {
                    vector.Add(platform with { Variant = Arm64Variant(9, v) });
                }

                // v9.0 branched from v8.5: v9.x runs what v8.(x+5) runs, up to v8.9.
                minor = Math.Min(minor + 5, 9);
                major = 8;
                vector.Add(platform with { Variant = Arm64Variant(8, minor) });
            }

            for (var v = minor - 1; v >= 0; v--)
            {
                vector.Add(platform with { Variant = Arm64Variant(major.Value, v) });
            }
        }

        // Every 64-bit arm CPU runs 32-bit arm v8 code and below.
        var armVariant = variant.StartsWith("v8.", StringComparison.Ordinal) || variant.StartsWith("v9", StringComparison.Ordinal) ? "v8" : variant;
        vector.AddRange(Vector(platform with { Architecture = "arm", Variant = armVariant }));
    }

    private static string Arm64Variant(int major, int minor) =>
        minor == 0 ? string.Create(CultureInfo.InvariantCulture, $"v{major}") : string.Create(CultureInfo.InvariantCulture, $"v{major}.{minor}");

    private static int? VersionOf(string? variant) =>
        variant is not null && variant.StartsWith('v') && int.TryParse(variant.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
}
