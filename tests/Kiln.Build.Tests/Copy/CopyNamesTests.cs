using Kiln.Build.Context;
using Kiln.Build.Copy;
using static Kiln.Build.Tests.Copy.CopyWorkspace;

namespace Kiln.Build.Tests.Copy;

/// <summary>
/// File names are bytes: a context file named in Latin-1 ("caf\xE9.txt") is copied under exactly that name, as
/// BuildKit copies it, and it counts in the cache key, in .dockerignore and in --exclude like any other name.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CopyNamesTests : IDisposable
{
    private static readonly byte[] Cafe = [.. "caf"u8, 0xE9, .. ".txt"u8];
    private static readonly byte[] Dir = [(byte)'d', 0xE9];
    private readonly CopyWorkspace _w = new();

    private byte[] Context => RawFiles.Bytes(_w.Context);

    [Fact]
    public async Task Copy_keeps_every_name_that_is_not_utf8()
    {
        RawFiles.WriteFile(RawFiles.Join(Context, Cafe), "x"u8.ToArray());
        RawFiles.Mkdir(RawFiles.Join(Context, Dir), 0x1ED);
        RawFiles.WriteFile(RawFiles.Join(Context, [.. Dir, .. "/f"u8, 0x80]), "z"u8.ToArray());
        RawFiles.Symlink(Cafe, RawFiles.Join(Context, [(byte)'l', 0xE9]));
        RawFiles.Link(RawFiles.Join(Context, Cafe), RawFiles.Join(Context, [(byte)'h', 0xE9]));
        RawFiles.WriteFile(RawFiles.Join(Context, [0xFF, 0xFE]), "y"u8.ToArray());

        await _w.RunAsync(CopyOf("/d/", "."));

        var copied = Names(RawFiles.Snapshot(RawFiles.Join(RawFiles.Bytes(_w.Target), "d"u8.ToArray()), mtimes: false));
        Assert.Equal(
            [
                "caf\\xe9.txt f",
                "d\\xe9 d",
                "d\\xe9/f\\x80 f",
                "h\\xe9 f link=caf\\xe9.txt",
                "l\\xe9 l -> caf\\xe9.txt",
                "\\xff\\xfe f",
            ],
            copied);
    }

    [Fact]
    public async Task Dockerignore_and_exclude_patterns_match_such_names()
    {
        RawFiles.WriteFile(RawFiles.Join(Context, Cafe), "x"u8.ToArray());
        RawFiles.WriteFile(RawFiles.Join(Context, [.. "caf"u8, 0xE8, .. ".txt"u8]), "x"u8.ToArray());
        RawFiles.WriteFile(RawFiles.Join(Context, "plain.txt"u8.ToArray()), "p"u8.ToArray());

        // A .dockerignore line holding the byte E9 hides that one file and not its neighbour with E8.
        RawFiles.WriteFile(RawFiles.Join(Context, ".dockerignore"u8.ToArray()), [.. Cafe, (byte)'\n', .. ".dockerignore\n"u8]);
        var context = await BuildContext.OpenAsync(_w.Context, CancellationToken.None);
        await CopyExecutor.ExecuteAsync(CopyOf("/i/", "."), CopySourceRoot.FromContext(context), _w.Target, CopyOptions.Default, CancellationToken.None);
        Assert.Equal(["caf\\xe8.txt f", "plain.txt f"], Names(RawFiles.Snapshot(RawFiles.Join(RawFiles.Bytes(_w.Target), "i"u8.ToArray()), mtimes: false)));

        // "?" matches one invalid byte, as Go's matcher takes one invalid byte for one rune.
        await _w.RunAsync(CopyOf("/e/", ".") with { Excludes = ["caf?.txt", ".dockerignore"] });
        Assert.Equal(["plain.txt f"], Names(RawFiles.Snapshot(RawFiles.Join(RawFiles.Bytes(_w.Target), "e"u8.ToArray()), mtimes: false)));
    }

    [Fact]
    public async Task The_sources_digest_tells_such_names_apart()
    {
        var source = CopySourceRoot.FromContext(BuildContext.WithPatterns(_w.Context, []));
        var request = CopyOf("/x/", ".");
        var empty = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);
        var e9 = RawFiles.Join(Context, Cafe);
        RawFiles.WriteFile(e9, "x"u8.ToArray());
        var withE9 = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);
        RawFiles.RemoveAll(e9);
        RawFiles.WriteFile(RawFiles.Join(Context, [.. "caf"u8, 0xE8, .. ".txt"u8]), "x"u8.ToArray());
        var withE8 = await CopySourceDigest.ComputeAsync(request, source, CopyDigestOptions.Default, CancellationToken.None);

        Assert.NotEqual(empty, withE9);
        Assert.NotEqual(withE9, withE8);
    }

    [Fact]
    public async Task A_socket_becomes_an_empty_file_with_its_mode_as_buildkit_copies_it()
    {
        // BuildKit 0.13 copies a socket, from the context and from a stage alike, as an empty regular file with the
        // socket's permission bits (a socket's connection cannot be carried; its name and mode are not lost).
        _w.File("a", "A");
        var path = Path.Join(_w.Context, "app.sock");
        // Kept open: .NET removes a socket's file when the socket is closed.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        RawFiles.Chmod(RawFiles.Bytes(path), 0x1E8);
        var result = await _w.RunAsync(CopyOf("/d/", "."));
        Assert.Equal(["/d d 0755", "/d/a f 0644 =A", "/d/app.sock f 0750 ="], _w.Tree(owners: false));
        Assert.Empty(result.Warnings);
    }

    public void Dispose() => _w.Dispose();

    /// <summary>Path, type, and link target or first hard link name.</summary>
    private static List<string> Names(List<string> snapshot) =>
        [.. snapshot.Select(line =>
        {
            var parts = line.Split(' ');
            var kept = parts.Take(2).Concat(parts.Skip(2).Where(p => p.StartsWith("link=", StringComparison.Ordinal) || p == "->" || parts.Contains("->") && p == parts[^1]));
            return string.Join(' ', kept);
        })];
}
