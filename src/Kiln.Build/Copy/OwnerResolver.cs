using System.Globalization;
using Kiln.Build.Context;
using Kiln.Content.Paths;

namespace Kiln.Build.Copy;

/// <summary>
/// Resolves <c>--chown=user[:group]</c> the way BuildKit's file op does, in the TARGET stage's /etc/passwd and
/// /etc/group: a numeric user (or "root") is taken as is and, without a group, also gives the gid; a user name gives its uid and
/// primary gid; a group (name or number) then overrides the gid.
/// </summary>
public static class OwnerResolver
{
    private const int MaxDatabaseBytes = 16 << 20;

    public static CopyOwner Resolve(string chown, string targetRoot)
    {
        ArgumentNullException.ThrowIfNull(chown);
        ArgumentException.ThrowIfNullOrEmpty(targetRoot);
        using var root = RootDirectory.Open(targetRoot);
        return Resolve(chown, root);
    }

    internal static CopyOwner Resolve(string chown, RootDirectory root)
    {
        // "user:" is "user" (dockerfile 1.28, as chown(1) reads it): the user's primary group, or the uid's number.
        var colon = chown.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? chown : chown[..colon];
        var group = colon < 0 || colon == chown.Length - 1 ? null : chown[(colon + 1)..];
        if (user.Length == 0)
        {
            throw new CopyException($"invalid --chown value \"{chown}\": expected user[:group]");
        }

        uint uid;
        uint gid;
        if (TryParseId(user, out var numericUser))
        {
            uid = numericUser;
            gid = numericUser;
        }
        else
        {
            var entry = Find(root, "passwd", user)
                ?? throw new CopyException($"unable to find user {user}: no matching entries in passwd file");
            if (entry.Length < 4 || !TryParseId(entry[2], out uid) || !TryParseId(entry[3], out gid))
            {
                throw new CopyException($"unable to find user {user}: malformed passwd entry");
            }
        }

        if (group is not null)
        {
            if (TryParseId(group, out var numericGroup))
            {
                gid = numericGroup;
            }
            else
            {
                var entry = Find(root, "group", group)
                    ?? throw new CopyException($"unable to find group {group}: no matching entries in group file");
                if (entry.Length < 3 || !TryParseId(entry[2], out gid))
                {
                    throw new CopyException($"unable to find group {group}: malformed group entry");
                }
            }
        }

        return new CopyOwner(uid, gid);
    }

    /// <summary>Whether resolving <paramref name="chown"/> reads /etc/passwd or /etc/group: some part is a name, not an id.</summary>
    internal static bool NeedsLookup(string chown)
    {
        ArgumentNullException.ThrowIfNull(chown);
        return chown.Split(':').Any(part => part.Length > 0 && !TryParseId(part, out _));
    }

    /// <summary>Digits, or "root", which BuildKit takes as 0 without a lookup (llb's parseUID).</summary>
    private static bool TryParseId(string text, out uint id)
    {
        if (text == "root")
        {
            id = 0;
            return true;
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue;
    }

    /// <summary>The first line of /etc/<paramref name="database"/> whose first field is <paramref name="name"/>.</summary>
    private static string[]? Find(RootDirectory root, string database, string name)
    {
        using var location = root.Resolve(["etc", database], followFinal: true, createParents: false);
        if (location.Parent is null || FileStat.Of(location.Parent, location.Name) is not { IsRegularFile: true } stat || stat.Size > MaxDatabaseBytes)
        {
            return null;
        }

        using var handle = DirectoryListing.OpenFileForRead(location.Parent, location.Name, location.RelativePath);
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 4096);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var fields = trimmed.Split(':');
            if (fields[0] == name)
            {
                return fields;
            }
        }

        return null;
    }
}
