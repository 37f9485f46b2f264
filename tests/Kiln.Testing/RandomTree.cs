using System.Text;

namespace Kiln.Testing;

/// <summary>
/// A random file tree from a seed, for property tests of "every file reaches the image unchanged": names of any
/// bytes but '/' and NUL (not UTF-8, multi-byte UTF-8, up to NAME_MAX), every file type a layer carries (regular,
/// directory, symlink, hard link, FIFO, character and block device), modes with setuid/setgid/sticky, owners up to
/// 2^32-2, user.* and security.capability xattrs, and mtimes past ustar's 2^33 seconds. Made as root (devices,
/// owners, capabilities). The same seed always gives the same tree.
/// </summary>
public sealed class RandomTree
{
    private static readonly uint[] Ids = [0, 1, 2, 1000, 65534, 65535, 65536, 2_097_151, 2_097_152, 100_000_000, 2_147_483_647, 4_294_967_294];

    // A version 2 file capability (cap_net_bind_service+ep): the kernel checks the format of security.capability.
    private static readonly byte[] Capability = Convert.FromHexString("0100000200040000000000000000000000000000");

    private readonly Random _random;
    private readonly List<byte[]> _files = [];
    private int _budget;

    private RandomTree(int seed, int entries)
    {
        Seed = seed;
        _random = new Random(seed);
        _budget = entries;
    }

    public int Seed { get; }

    /// <summary>The seeds a property test runs: fixed ones, one new each run, or just KILN_PROPERTY_SEED when set.</summary>
    public static IEnumerable<int> Seeds(params int[] fixedSeeds)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("KILN_PROPERTY_SEED"), out var replay))
        {
            return [replay];
        }

        return [.. fixedSeeds, Environment.TickCount & int.MaxValue];
    }

    /// <summary>Makes about <paramref name="entries"/> entries below <paramref name="root"/>, which must exist and be empty.</summary>
    public static RandomTree Make(byte[] root, int seed, int entries = 80)
    {
        var tree = new RandomTree(seed, entries);
        tree.Fill(root, depth: 0);
        return tree;
    }

    private void Fill(byte[] directory, int depth)
    {
        var names = new HashSet<string>();
        var count = _random.Next(depth == 0 ? 8 : 1, 14);
        var directories = new List<(byte[] Path, uint Mode, long Mtime)>();
        for (var i = 0; i < count && _budget > 0; i++, _budget--)
        {
            var name = Name();
            if (!names.Add(Convert.ToHexString(name)))
            {
                continue;
            }

            var path = RawFiles.Join(directory, name);
            var kind = _random.Next(depth < 3 ? 10 : 9);
            switch (kind)
            {
                case 0 or 1 or 2:
                    RawFiles.WriteFile(path, Content());
                    Finish(path, Mode(), xattrs: true, capability: _random.Next(4) == 0);
                    _files.Add(path);
                    break;
                case 3 or 4:
                    RawFiles.Symlink(Target(), path);
                    RawFiles.Lchown(path, Id(), Id());
                    RawFiles.SetMtime(path, Mtime());
                    break;
                case 5 when _files.Count > 0:
                    RawFiles.Link(_files[_random.Next(_files.Count)], path);
                    break;
                case 5 or 6:
                    // user.* xattrs are for regular files and directories only (xattr(7)).
                    RawFiles.Mknod(path, RawFiles.Fifo, Mode());
                    Finish(path, null, xattrs: false, capability: false);
                    break;
                case 7 or 8:
                    // Never 0/0: a 0/0 character device in an overlay upper is a whiteout, a deletion, not a file.
                    RawFiles.Mknod(path, _random.Next(2) == 0 ? RawFiles.CharDevice : RawFiles.BlockDevice, Mode(), (uint)_random.Next(1, 4096), (uint)_random.Next(0, 1 << 20));
                    Finish(path, null, xattrs: false, capability: false);
                    break;
                default:
                    RawFiles.Mkdir(path, 0x1ED);
                    RawFiles.Lchown(path, Id(), Id());
                    Fill(path, depth + 1);
                    directories.Add((path, Mode(), Mtime()));
                    break;
            }
        }

        // A directory's mode, xattrs and mtime last: its children changed its mtime.
        foreach (var (path, mode, mtime) in directories)
        {
            RawFiles.Chmod(path, mode);
            foreach (var (xattr, value) in Xattrs())
            {
                RawFiles.SetXattr(path, xattr, value);
            }

            RawFiles.SetMtime(path, mtime);
        }
    }

    private void Finish(byte[] path, uint? mode, bool xattrs, bool capability)
    {
        // Owner first: chown clears setuid and setgid (and a capability).
        RawFiles.Lchown(path, Id(), Id());
        if (mode is { } m)
        {
            RawFiles.Chmod(path, m);
        }

        if (xattrs)
        {
            foreach (var (xattr, value) in Xattrs())
            {
                RawFiles.SetXattr(path, xattr, value);
            }
        }

        if (capability)
        {
            RawFiles.SetXattr(path, "security.capability", Capability);
        }

        RawFiles.SetMtime(path, Mtime());
    }

    /// <summary>1 to 12 bytes, sometimes up to NAME_MAX; never ".", "..", nor ".wh." (the layer format's whiteout prefix).</summary>
    private byte[] Name()
    {
        while (true)
        {
            var length = _random.Next(8) == 0 ? _random.Next(100, 256) : _random.Next(1, 13);
            var name = new List<byte>(length);
            var style = _random.Next(3);
            while (name.Count < length)
            {
                switch (style)
                {
                    case 0:
                        name.Add((byte)_random.Next(0x20, 0x7F));
                        break;
                    case 1:
                        name.Add((byte)_random.Next(1, 256));
                        break;
                    default:
                        // Valid UTF-8: two-, three- and four-byte characters, and now and then one stray byte.
                        var rune = _random.Next(4) switch
                        {
                            0 => new Rune(_random.Next(0x80, 0x800)),
                            1 => new Rune(_random.Next(0xE000, 0x10000)),
                            2 => new Rune(_random.Next(0x10000, 0x110000)),
                            _ => new Rune(_random.Next(0x21, 0x7F)),
                        };
                        var bytes = new byte[4];
                        var written = rune.EncodeToUtf8(bytes);
                        if (name.Count + written <= length)
                        {
                            name.AddRange(bytes.AsSpan(0, written));
                        }
                        else
                        {
                            name.Add((byte)_random.Next(0x80, 0x100));
                        }

                        break;
                }
            }

            name.RemoveAll(b => b is 0 or (byte)'/');
            var result = name.ToArray();
            if (result.Length > 0 && !result.AsSpan().SequenceEqual("."u8) && !result.AsSpan().SequenceEqual(".."u8) && !result.AsSpan().StartsWith(".wh."u8))
            {
                return result;
            }
        }
    }

    /// <summary>A symlink target: any bytes but NUL, '/' included (it need not exist).</summary>
    private byte[] Target()
    {
        var target = new byte[_random.Next(1, 60)];
        _random.NextBytes(target);
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == 0)
            {
                target[i] = (byte)'/';
            }
        }

        return target;
    }

    private byte[] Content()
    {
        var content = new byte[_random.Next(4) == 0 ? 0 : _random.Next(1, 5000)];
        _random.NextBytes(content);
        return content;
    }

    private uint Mode() => (uint)_random.Next(0, 0x1000);

    private uint Id() => Ids[_random.Next(Ids.Length)];

    /// <summary>Whole seconds (layers keep no more), past 2^33 now and then (a PAX mtime record), within ext4's 2^34.</summary>
    private long Mtime() => _random.Next(6) == 0 ? _random.NextInt64(8_589_934_592L, 17_179_869_183L) : _random.NextInt64(0, 4_000_000_000L);

    private List<(string Name, byte[] Value)> Xattrs()
    {
        var result = new List<(string, byte[])>();
        for (var i = _random.Next(3) == 0 ? _random.Next(1, 4) : 0; i > 0; i--)
        {
            var value = new byte[_random.Next(0, 40)];
            _random.NextBytes(value);
            result.Add(("user.k" + _random.Next(1000), value));
        }

        return result;
    }
}
