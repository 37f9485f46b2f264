using Kiln.Runtime.Linux.Users;

namespace Kiln.Runtime.Linux.Tests;

public sealed class UserResolverTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\n# comment\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nbroken line\nbob:x:1001:100::/nonexistent:/bin/sh\n";
    private const string Group = "root:x:0:\nwheel:x:10:alice\nusers:x:100:alice,bob\nalice:x:1000:\n";

    [Theory]
    [InlineData(null, 0u, 0u, "0", "/root")]
    [InlineData("", 0u, 0u, "0", "/root")]
    [InlineData("alice", 1000u, 1000u, "1000,10,100", "/home/alice")]
    [InlineData("1000", 1000u, 1000u, "1000,10,100", "/home/alice")]
    [InlineData("bob", 1001u, 100u, "100", "/nonexistent")]
    [InlineData("alice:users", 1000u, 100u, "100", "/home/alice")]
    [InlineData("alice:4242", 1000u, 4242u, "4242", "/home/alice")]
    [InlineData("4242", 4242u, 0u, "0", null)]
    [InlineData("4242:10", 4242u, 10u, "10", null)]
    [InlineData("4242:wheel", 4242u, 10u, "10", null)]
    [InlineData(":wheel", 0u, 10u, "10", "/root")]
    [InlineData("2147483647", 2147483647u, 0u, "0", null)]
    public void Follows_dockers_rules(string? user, uint uid, uint gid, string additional, string? home)
    {
        var resolved = UserResolver.Resolve(user, Passwd, Group);

        Assert.Equal(uid, resolved.Uid);
        Assert.Equal(gid, resolved.Gid);
        Assert.Equal(additional, string.Join(',', resolved.AdditionalGids));
        Assert.Equal(home, resolved.Home);
    }

    [Theory]
    [InlineData("mallory")]
    [InlineData("alice:nogroup")]
    [InlineData("4242:nogroup")]
    public void Unknown_names_are_errors(string user) =>
        Assert.Throws<UserNotFoundException>(() => UserResolver.Resolve(user, Passwd, Group));

    [Fact]
    public void The_primary_group_keeps_its_place_when_a_group_file_lists_the_user_in_it()
    {
        var resolved = UserResolver.Resolve("carol", "carol:x:7:70::/:/bin/sh\n", "extra:x:80:carol\ncarol:x:70:carol\nmore:x:90:dave,carol\n");

        Assert.Equal<uint>([80u, 70u, 90u], resolved.AdditionalGids);
    }

    [Theory]
    [InlineData("4294967295")]
    [InlineData("2147483648")]
    [InlineData("1000:4294967295")]
    [InlineData("alice:2147483648")]
    [InlineData("-1")]
    [InlineData("0:-1")]
    [InlineData("wrap")]
    [InlineData("alice:wrapped")]
    [InlineData("dave")]
    public void Ids_out_of_range_are_errors_never_root(string user)
    {
        const string passwd = Passwd + "wrap:x:4294967295:0::/:/bin/sh\ndave:x:1002:1002::/:/bin/sh\n";
        const string group = Group + "wrapped:x:4294967295:\nhuge:x:4294967295:dave\n";

        var error = Assert.Throws<InvalidUserException>(() => UserResolver.Resolve(user, passwd, group));

        Assert.Contains("uids and gids must be in range 0-2147483647", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_without_passwd_takes_numbers_only()
    {
        Assert.Equal(5u, UserResolver.Resolve("5:6", null, null).Uid);
        Assert.Throws<UserNotFoundException>(() => UserResolver.Resolve("root", null, null));
    }

    [Fact]
    public async Task Passwd_is_read_inside_the_root_even_through_an_absolute_symlink()
    {
        var root = Directory.CreateTempSubdirectory("kiln-rt-users-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            Directory.CreateDirectory(Path.Combine(root, "data"));
            File.WriteAllText(Path.Combine(root, "data", "passwd"), "eve:x:7:8::/e:/bin/sh\n");

            // "/data/passwd" means the image's file, never the host's /data.
            File.CreateSymbolicLink(Path.Combine(root, "etc", "passwd"), "/data/passwd");

            var resolved = await UserResolver.ResolveAsync(root, "eve", CancellationToken.None);

            Assert.Equal((7u, 8u), (resolved.Uid, resolved.Gid));
            await Assert.ThrowsAsync<UserNotFoundException>(() => UserResolver.ResolveAsync(root, "root", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
