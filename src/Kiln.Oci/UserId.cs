using System.Globalization;

namespace Kiln.Oci;

/// <summary>
/// A uid or gid as an image config's <c>User</c> (and so <c>USER</c> and <c>kiln run --user</c>), <c>--chown</c> and an
/// image's passwd and group files give it: decimal, in 0-2147483647, the range of runc's user package (moby/sys/user), which
/// BuildKit and docker resolve users with. A number outside it is refused, never wrapped: 4294967295 is
/// <c>(uid_t)-1</c>, which setuid, setgid and chown take as "leave unchanged", so the process or the file would stay
/// root's.
/// </summary>
public static class UserId
{
    public const uint Max = int.MaxValue;

    /// <summary>moby/sys/user's <c>ErrRange</c> text, which users search for.</summary>
    public const string RangeError = "uids and gids must be in range 0-2147483647";

    /// <summary>Decimal digits whose value is in range.</summary>
    public static bool TryParse(string text, out uint id)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= Max)
        {
            return true;
        }

        id = 0;
        return false;
    }

    /// <summary>
    /// A number, in range or not (digits, or a minus sign and digits, as Go's <c>strconv.Atoi</c> reads one): such
    /// text is an id, never a user or group name to look up.
    /// </summary>
    public static bool IsNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
