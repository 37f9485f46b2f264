using Kiln.Build.Context;
using Kiln.Content.Paths;
using Kiln.Oci;

namespace Kiln.Build.Copy;

/// <summary>
/// Resolves <c>--chown=user[:group]</c> the way BuildKit's file op does, in the TARGET stage's /etc/passwd and
/// /etc/group: a numeric user (or "root") is taken as is and, without a group, also gives the gid; a user name gives its uid and
/// primary gid; no user (<c>:group</c>) is root; a group (name or number) then overrides the gid. An id outside
/// <see cref="UserId"/>'s range, written or from the files, is an error: BuildKit takes it for a name it cannot
/// find and owns the files by root.
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
        if (user.Length == 0 && group is null)
        {
            throw new CopyException($"invalid --chown value \"{chown}\": expected user[:group] or :group");
        }

        // ":group" keeps root as the owner, as BuildKit's file op finds no user named "" and leaves uid 0.
        var (uid, gid) = user.Length == 0 ? (0u, 0u) : ResolveUser(user, chown, root);
        if (group is not null)
        {
            gid = TryParseId(group, chown, out var numericGroup) ? numericGroup : ResolveGroup(group, root);
        }

        return new CopyOwner(uid, gid);
    }

    /// <summary>A uid (and the same number as gid), or a name's uid and primary gid from /etc/passwd.</summary>
    private static (uint Uid, uint Gid) ResolveUser(string user, string chown, RootDirectory root)
    {
        if (TryParseId(user, chown, out var uid))
        {
            return (uid, uid);
        }

        var entry = Find(root, "passwd", user)
            ?? throw new CopyException($"unable to find user {user}: no matching entries in passwd file");
        return entry.Length < 4
            ? throw new CopyException($"unable to find user {user}: malformed passwd entry")
            : (FileId(entry[2], user, "passwd"), FileId(entry[3], user, "passwd"));
    }

    private static uint ResolveGroup(string group, RootDirectory root)
    {
        var entry = Find(root, "group", group)
            ?? throw new CopyException($"unable to find group {group}: no matching entries in group file");
        return entry.Length < 3
            ? throw new CopyException($"unable to find group {group}: malformed group entry")
            : FileId(entry[2], group, "group");
    }

    /// <summary>An id field of /etc/passwd or /etc/group: a number in range, else the entry is unusable.</summary>
    private static uint FileId(string field, string name, string database) =>
        UserId.TryParse(field, out var id) ? id
        : UserId.IsNumber(field) ? throw new CopyException($"{name} in /etc/{database} has the id {field}: {UserId.RangeError}")
        : throw new CopyException($"unable to find {(database == "passwd" ? "user" : "group")} {name}: malformed {database} entry");

    /// <summary>Whether resolving <paramref name="chown"/> reads /etc/passwd or /etc/group: some part is a name, not an id.</summary>
    internal static bool NeedsLookup(string chown)
    {
        ArgumentNullException.ThrowIfNull(chown);
        return chown.Split(':').Any(part => part.Length > 0 && !TryParseId(part, chown, out _));
    }

    /// <summary>
    /// An id in range, or "root", which BuildKit takes as 0 without a lookup (llb's parseUID); false for a name. A
    /// number out of range is an error, written or read from the files.
    /// </summary>
    private static bool TryParseId(string text, string owner, out uint id)
    {
        if (text == "root")
        {
            id = 0;
            return true;
        }

        if (UserId.TryParse(text, out id))
        {
            return true;
        }

        return UserId.IsNumber(text) ? throw new CopyException($"invalid id {text} in \"{owner}\": {UserId.RangeError}") : false;
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
