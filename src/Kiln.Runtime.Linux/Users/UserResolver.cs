using System.Collections.Immutable;
using Kiln.Content.Paths;
using Kiln.Oci;

namespace Kiln.Runtime.Linux.Users;

/// <summary>
/// Docker's <c>USER</c> rules, read from the image's own <c>/etc/passwd</c> and <c>/etc/group</c> (through the
/// secure join: a symlinked <c>/etc/passwd</c> is followed inside the root, never to the host's).
/// </summary>
/// <remarks>
/// As runc's <c>user.GetExecUser</c>, which docker and BuildKit use: <c>name</c> or <c>uid</c>, optionally
/// <c>:group</c> or <c>:gid</c>. A name must exist (else an error); a number need not. The group defaults to the
/// user's primary group, or 0 without a passwd entry. The additional groups are those of current BuildKit and docker
/// (since the fix of CVE-2023-25173, moby/buildkit#3651): the groups listing the user's name, only when no group is
/// given ("USER u:g" runs with g alone, as docker documents), with the primary group put first unless listed. An id
/// outside <see cref="UserId"/>'s range, written or from the files, is an error, never root.
/// </remarks>
public static class UserResolver
{
    /// <summary>Refuse passwd and group files larger than this (an image could make them huge).</summary>
    private const long MaxFileSize = 16 * 1024 * 1024;

    public static async Task<ResolvedUser> ResolveAsync(string rootDirectory, string? user, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        var passwd = await ReadAsync(rootDirectory, "/etc/passwd", cancellationToken).ConfigureAwait(false);
        var group = await ReadAsync(rootDirectory, "/etc/group", cancellationToken).ConfigureAwait(false);
        return Resolve(user, passwd, group);
    }

    /// <summary>The rules on file contents (null for a file the image does not have).</summary>
    public static ResolvedUser Resolve(string? user, string? passwd, string? group)
    {
        var spec = string.IsNullOrEmpty(user) ? "0" : user;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];
        if (userPart.Length == 0)
        {
            userPart = "0";
        }

        var users = ParseColonFile(passwd, 7);
        var numericUser = TryParseId(userPart, user, out var uid);
        var entry = users.FirstOrDefault(fields => numericUser ? UserId.TryParse(fields[2], out var u) && u == uid : fields[0] == userPart);
        if (entry is null && !numericUser)
        {
            throw new UserNotFoundException($"unable to find user {userPart}: no matching entries in passwd file");
        }

        uint gid = 0;
        string? name = null;
        string? home = null;
        if (entry is not null)
        {
            name = entry[0];
            uid = ParseId(entry[2], "uid", entry[0]);
            gid = ParseId(entry[3], "gid", entry[0]);
            home = entry[5];
        }

        var groups = ParseColonFile(group, 4);
        if (!string.IsNullOrEmpty(groupPart))
        {
            var numericGroup = TryParseId(groupPart, user, out var requested);
            var groupEntry = groups.FirstOrDefault(fields => numericGroup ? UserId.TryParse(fields[2], out var g) && g == requested : fields[0] == groupPart);
            if (groupEntry is null && !numericGroup)
            {
                throw new UserNotFoundException($"unable to find group {groupPart}: no matching entries in group file");
            }

            gid = groupEntry is null ? requested : ParseId(groupEntry[2], "gid", groupEntry[0]);
            return new ResolvedUser(uid, gid, [gid], home);
        }

        var additional = ImmutableArray.CreateBuilder<uint>();
        if (name is not null)
        {
            foreach (var fields in groups)
            {
                if (fields[3].Split(',').Contains(name, StringComparer.Ordinal))
                {
                    additional.Add(ParseId(fields[2], "gid", fields[0]));
                }
            }
        }

        if (!additional.Contains(gid))
        {
            additional.Insert(0, gid);
        }

        return new ResolvedUser(uid, gid, additional.ToImmutable(), home);
    }

    private static async Task<string?> ReadAsync(string root, string path, CancellationToken cancellationToken)
    {
        var host = SecureJoin.Join(root, path);
        var file = new FileInfo(host);
        if (!file.Exists)
        {
            return null;
        }

        if (file.Length > MaxFileSize)
        {
            throw new InvalidDataException($"{path} in the image is larger than {MaxFileSize} bytes");
        }

        return await File.ReadAllTextAsync(host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lines split on ':' with at least <paramref name="fields"/> fields; comments, blanks and short lines skipped, as libc does.</summary>
    private static List<string[]> ParseColonFile(string? text, int fields)
    {
        var result = new List<string[]>();
        if (text is null)
        {
            return result;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(':');
            if (parts.Length >= fields)
            {
                result.Add(parts);
            }
        }

        return result;
    }

    /// <summary>An id of the USER text in range; false for a name; an error for a number out of range.</summary>
    private static bool TryParseId(string text, string? user, out uint id) =>
        UserId.TryParse(text, out id) || (UserId.IsNumber(text) ? throw new InvalidUserException($"invalid user \"{user}\": {UserId.RangeError}") : false);

    /// <summary>An id field of the image's passwd or group file.</summary>
    private static uint ParseId(string text, string what, string name) =>
        UserId.TryParse(text, out var id) ? id
        : UserId.IsNumber(text) ? throw new InvalidUserException($"the {what} {text} of {name} in the image: {UserId.RangeError}")
        : throw new InvalidDataException($"{what} \"{text}\" of {name} is not a number");
}
