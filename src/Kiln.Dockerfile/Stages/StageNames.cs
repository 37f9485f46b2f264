namespace Kiln.Dockerfile.Stages;

/// <summary>
/// BuildKit's rules for stage names: compared case-insensitively (so stored lower-case), a letter
/// first, then letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.
/// </summary>
public static class StageNames
{
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant();
    }

    public static bool IsValid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = Normalize(name);
        return lower.Length > 0
            && lower[0] is >= 'a' and <= 'z'
            && lower.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');
    }
}
