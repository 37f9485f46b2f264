using Kiln.Dockerfile.Instructions;

namespace Kiln.Build.Copy;

/// <summary>
/// Applies <c>--chmod</c> to one entry's permission bits as BuildKit's copy does, to files and directories alike.
/// Octal is the whole mode, setuid/setgid/sticky included (<c>--chmod=4750</c> gives rwsr-x---, and <c>--chmod=755</c>
/// on a setuid source drops the setuid bit), as BuildKit 0.13 writes it; older BuildKit lost the special bits.
/// Symbolic follows BSD setmode(3) as tonistiigi/dchapes-mode implements it, with no umask (an omitted "who" is
/// "a"), and X meaning x when the entry is a directory or already executable by someone.
/// </summary>
internal static class ModeApplier
{
    private const uint UserBits = 0x9C0;   // 04700
    private const uint GroupBits = 0x438;  // 02070
    private const uint OtherBits = 0x207;  // 01007
    private const uint AllBits = 0xFFF;    // 07777

    public static uint Apply(Chmod? chmod, uint permissions, bool isDirectory)
    {
        permissions &= AllBits;
        if (chmod is null)
        {
            return permissions;
        }

        if (chmod.Mode is { } octal)
        {
            return (uint)octal & AllBits;
        }

        var mode = permissions;
        foreach (var clause in chmod.Text.Split(','))
        {
            mode = ApplyClause(clause, mode, isDirectory);
        }

        return mode;
    }

    private static uint ApplyClause(string clause, uint mode, bool isDirectory)
    {
        var i = 0;
        uint who = 0;
        for (; i < clause.Length && clause[i] is 'u' or 'g' or 'o' or 'a'; i++)
        {
            who |= clause[i] switch
            {
                'u' => UserBits,
                'g' => GroupBits,
                'o' => OtherBits,
                _ => AllBits,
            };
        }

        var whoGiven = who != 0;
        if (!whoGiven)
        {
            who = AllBits;
        }

        while (i < clause.Length)
        {
            var op = clause[i++];
            uint bits = 0;
            if (i < clause.Length && clause[i] is 'u' or 'g' or 'o')
            {
                // Copy another class's rwx bits ("g=u").
                var source = clause[i++] switch
                {
                    'u' => (mode >> 6) & 7,
                    'g' => (mode >> 3) & 7,
                    _ => mode & 7,
                };
                bits = (source << 6) | (source << 3) | source;
            }
            else
            {
                for (; i < clause.Length && clause[i] is 'r' or 'w' or 'x' or 'X' or 's' or 't'; i++)
                {
                    bits |= clause[i] switch
                    {
                        'r' => 0x124u,                                                   // 0444
                        'w' => 0x92u,                                                    // 0222
                        'x' => 0x49u,                                                    // 0111
                        'X' => isDirectory || (mode & 0x49) != 0 ? 0x49u : 0u,
                        's' => 0xC00u,                                                   // 06000, masked by who below
                        _ => !whoGiven || (who & OtherBits) == OtherBits ? 0x200u : 0u, // 01000
                    };
                }
            }

            var masked = bits & who;
            mode = op switch
            {
                '+' => mode | masked,
                '-' => mode & ~masked,
                '=' => (mode & ~who) | masked,
                _ => throw new CopyException($"invalid --chmod clause '{clause}'"),
            };
        }

        return mode & AllBits;
    }
}
