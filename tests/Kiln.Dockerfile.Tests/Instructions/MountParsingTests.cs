using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class MountParsingTests
{
    private static RunMount Mount(string spec)
    {
        var run = ParseAssert.Parses<RunInstruction>(Syntax.Make("RUN", ["true"], [$"--mount={spec}"]));
        return Assert.Single(run.Mounts);
    }

    private static Diagnostic Fails(string spec, string code, string? contains = null) =>
        ParseAssert.Fails(Syntax.Make("RUN", ["true"], [$"--mount={spec}"]), code, contains);

    [Fact]
    public void A_mount_without_type_is_a_read_only_bind()
    {
        var mount = Mount("target=/src,source=src,from=build");
        Assert.Equal(MountType.Bind, mount.Type);
        Assert.True(mount.ReadOnly);
        Assert.Equal("/src", mount.Target);
        Assert.Equal("src", mount.Source);
        Assert.Equal("build", mount.From);
        Assert.True(mount.IsResolved);
        Assert.Equal("target=/src,source=src,from=build", mount.Spec);
    }

    [Theory]
    [InlineData("type=bind,target=/t,rw", false)]
    [InlineData("type=bind,target=/t,readwrite=true", false)]
    [InlineData("type=bind,target=/t,ro=false", false)]
    [InlineData("type=cache,target=/t", false)]
    [InlineData("type=tmpfs,target=/t", false)]
    [InlineData("type=cache,target=/t,ro", true)]
    [InlineData("type=cache,target=/t,readonly=1", true)]
    [InlineData("type=secret,id=x", true)]
    [InlineData("type=ssh", true)]
    public void Read_only_defaults_by_type_unless_given(string spec, bool readOnly) =>
        Assert.Equal(readOnly, Mount(spec).ReadOnly);

    [Theory]
    [InlineData("dst=/a")]
    [InlineData("destination=/a")]
    [InlineData("target=/a")]
    [InlineData("TARGET=/a")]
    public void Target_has_aliases_and_keys_are_case_insensitive(string spec) => Assert.Equal("/a", Mount(spec).Target);

    [Fact]
    public void Cache_mount_options_are_parsed()
    {
        var mount = Mount("type=cache,target=/root/.cache,id=go,sharing=LOCKED,mode=0755,uid=1000,gid=100,from=base,source=/c");
        Assert.Equal(MountType.Cache, mount.Type);
        Assert.Equal("go", mount.Id);
        Assert.Equal(MountSharing.Locked, mount.Sharing);
        Assert.Equal(0x1EDu, mount.Mode);
        Assert.Equal(1000u, mount.Uid);
        Assert.Equal(100u, mount.Gid);
    }

    [Fact]
    public void Secret_mount_options_are_parsed()
    {
        var mount = Mount("type=secret,id=npmrc,target=/root/.npmrc,required,env=NPM_TOKEN,mode=0400");
        Assert.Equal(MountType.Secret, mount.Type);
        Assert.True(mount.Required);
        Assert.Equal("NPM_TOKEN", mount.Env);
        Assert.Null(mount.Sharing);
    }

    [Theory]
    [InlineData("64m", 64L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("4096", 4096L)]
    [InlineData("1.5k", 1536L)]
    public void Tmpfs_size_accepts_byte_sizes(string size, long bytes) =>
        Assert.Equal(bytes, Mount($"type=tmpfs,target=/t,size={size}").SizeLimit);

    [Fact]
    public void Ssh_mount_may_be_required_and_has_a_default_target()
    {
        var mount = Mount("type=ssh,required=true");
        Assert.True(mount.Required);
        Assert.Null(mount.Target);
    }

    [Fact]
    public void Quoted_csv_fields_may_contain_commas() => Assert.Equal("/a,b", Mount("type=bind,\"target=/a,b\"").Target);

    [Fact]
    public void Values_that_need_expansion_are_deferred_and_the_mount_is_unresolved()
    {
        var mount = Mount("type=$TYPE,target=/t,sharing=locked");
        Assert.False(mount.IsResolved);
        Assert.Equal("/t", mount.Target);
    }

    [Theory]
    [InlineData("type=volume", DiagnosticCodes.MountUnknownType, "unsupported mount type \"volume\"")]
    [InlineData("type=cahce,target=/t", DiagnosticCodes.MountUnknownType, "(did you mean cache?)")]
    [InlineData("type=cache,target=/t,sharing=maybe", DiagnosticCodes.MountInvalidSharing, "unsupported sharing value \"maybe\"")]
    [InlineData("type=cache,target=/t,sharing=lockd", DiagnosticCodes.MountInvalidSharing, "(did you mean locked?)")]
    [InlineData("type=cache,target=/t,mode=abc", DiagnosticCodes.MountInvalidMode, "invalid value abc for mode")]
    [InlineData("type=cache,target=/t,mode=0800", DiagnosticCodes.MountInvalidMode, "octal")]
    [InlineData("type=cache,target=/t,uid=x", DiagnosticCodes.MountInvalidUid, "invalid value x for uid")]
    [InlineData("type=cache,target=/t,uid=-1", DiagnosticCodes.MountInvalidUid, "uid")]
    [InlineData("type=cache,target=/t,gid=4294967296", DiagnosticCodes.MountInvalidGid, "gid")]
    [InlineData("type=cache,target=/t,uid=4294967295", DiagnosticCodes.MountInvalidUid, "invalid value 4294967295 for uid: uids and gids must be in range 0-2147483647")]
    [InlineData("type=secret,id=x,gid=2147483648", DiagnosticCodes.MountInvalidGid, "invalid value 2147483648 for gid: uids and gids must be in range 0-2147483647")]
    [InlineData("type=tmpfs,target=/t,size=lots", DiagnosticCodes.MountInvalidSize, "invalid value for size: lots")]
    [InlineData("type=bind,target=/t,ro=maybe", DiagnosticCodes.MountInvalidBoolean, "invalid value for ro: maybe")]
    [InlineData("type=secret,id=x,required=perhaps", DiagnosticCodes.MountInvalidBoolean, "required")]
    [InlineData("type=bind,targt=/t", DiagnosticCodes.MountUnknownOption, "unexpected key 'targt' in 'targt=/t' (did you mean target?)")]
    [InlineData("type=bind,colour=red", DiagnosticCodes.MountUnknownOption, "unexpected key 'colour'")]
    [InlineData("type=bind,target", DiagnosticCodes.MountOptionNeedsValue, "invalid field 'target' must be a key=value pair")]
    [InlineData("type=bind,target=/t,size=1m", DiagnosticCodes.MountOptionNotAllowed, "unexpected key 'size' for mount type 'bind'")]
    [InlineData("type=bind,target=/t,required", DiagnosticCodes.MountOptionNotAllowed, "unexpected key 'required' for mount type 'bind'")]
    [InlineData("required,type=secret,id=x", DiagnosticCodes.MountOptionNotAllowed, "for mount type 'bind'")]
    [InlineData("type=tmpfs,target=/t,mode=0700", DiagnosticCodes.MountOptionNotAllowed, "mode not allowed for \"tmpfs\" type mounts")]
    [InlineData("type=bind,target=/t,uid=1", DiagnosticCodes.MountOptionNotAllowed, "uid not allowed")]
    [InlineData("type=bind,target=/t,gid=1", DiagnosticCodes.MountOptionNotAllowed, "gid not allowed")]
    [InlineData("type=bind,target=/t,sharing=shared", DiagnosticCodes.MountOptionNotAllowed, "invalid cache sharing set for bind mount")]
    [InlineData("type=secret,id=x,sharing=shared", DiagnosticCodes.MountOptionNotAllowed, "secret mount should not define sharing")]
    [InlineData("type=secret,id=x,from=base", DiagnosticCodes.SecretMountWithFrom, "secret mount should not have a from")]
    [InlineData("type=secret,required", DiagnosticCodes.SecretMountWithoutId, "one of source, target required")]
    [InlineData("type=secret,id=a,source=b", DiagnosticCodes.SecretMountSourceAndId, "both source and id can't be set")]
    [InlineData("type=cache,target=/", DiagnosticCodes.MountInvalidTarget, "invalid mount target \"/\"")]
    [InlineData("type=bind,from=$STAGE,target=/t", DiagnosticCodes.MountFromVariable, "'from' doesn't support variable expansion")]
    [InlineData("type=bind,\"target=/t", DiagnosticCodes.MountInvalidCsv, "failed to parse csv mounts")]
    [InlineData("type=bind,tar\"get=/t", DiagnosticCodes.MountInvalidCsv, "bare \"")]
    public void Invalid_mounts_are_rejected_with_their_own_code(string spec, string code, string message) =>
        Fails(spec, code, message);

    [Fact]
    public void A_cache_mount_without_target_warns_that_it_lands_on_the_working_directory()
    {
        var result = InstructionParser.Parse(Syntax.Make("RUN", ["true"], ["--mount=type=cache"]));
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.MountWithoutTarget, warning.Code);
        Assert.False(warning.IsError);
        Assert.Contains("working directory", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_with_a_trailing_dollar_is_not_a_variable() => Assert.False(Mount("from=a$,target=/t").IsResolved);
}
