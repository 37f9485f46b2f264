using Kiln.Dockerfile.Diagnostics;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Syntax;

namespace Kiln.Dockerfile.Tests.Instructions;

public sealed class CopyAddParsingTests
{
    [Fact]
    public void Copy_splits_sources_and_destination_and_reads_every_flag()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make(
            "COPY",
            ["a", "b/*.go", "/dst/"],
            ["--from=build", "--chown=app:app", "--chmod=0755", "--link", "--parents", "--exclude=*.md"]));
        AssertSeq.Equal(["a", "b/*.go"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
        Assert.Equal("build", copy.From);
        Assert.Equal("app:app", copy.Chown);
        Assert.Equal(new Chmod("0755", 0x1ED), copy.Chmod);
        Assert.True(copy.Link);
        Assert.True(copy.Parents);
        AssertSeq.Equal(["*.md"], copy.Excludes);
        Assert.Empty(copy.SourceContents);
    }

    [Fact]
    public void Copy_defaults_are_empty()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Of("COPY", "a", "b"));
        Assert.Null(copy.From);
        Assert.Null(copy.Chown);
        Assert.Null(copy.Chmod);
        Assert.Null(copy.ChmodText);
        Assert.False(copy.Link);
        Assert.False(copy.Parents);
        Assert.Empty(copy.Excludes);
    }

    [Fact]
    public void Add_reads_its_own_flags()
    {
        var add = ParseAssert.Parses<AddInstruction>(Syntax.Make(
            "ADD",
            ["https://example.com/a.tgz", "/dst"],
            ["--checksum=sha256:abc", "--keep-git-dir=true", "--unpack=false", "--chown=1:2", "--chmod=u+x,go-w", "--link", "--exclude=x"]));
        Assert.Equal("sha256:abc", add.Checksum);
        Assert.True(add.KeepGitDir);
        Assert.False(add.Unpack);
        Assert.Equal("1:2", add.Chown);
        Assert.Equal(new Chmod("u+x,go-w", null), add.Chmod);
        Assert.True(add.Link);
        AssertSeq.Equal(["x"], add.Excludes);
    }

    [Fact]
    public void Add_unpack_is_null_when_not_given() => Assert.Null(ParseAssert.Parses<AddInstruction>(Syntax.Of("ADD", "a", "b")).Unpack);

    [Theory]
    [InlineData("COPY")]
    [InlineData("ADD")]
    public void One_argument_has_no_destination(string keyword) =>
        ParseAssert.Fails(Syntax.Of(keyword, "a"), DiagnosticCodes.MissingDestination, $"{keyword} requires at least two arguments, but only one was provided");

    [Fact]
    public void Heredoc_sources_become_file_contents()
    {
        Heredoc[] heredocs =
        [
            new("EOF", "hello $NAME\n", Expand: true, Chomp: false, FileDescriptor: 0),
            new("RAW", "\tliteral $NAME\n", Expand: false, Chomp: true, FileDescriptor: 0),
        ];
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["<<EOF", "<<-'RAW'", "plain", "/dst/"], heredocs: heredocs));
        AssertSeq.Equal(["plain"], copy.Sources);
        AssertSeq.Equal(
            [new HeredocSource("EOF", "hello $NAME\n", true), new HeredocSource("RAW", "literal $NAME\n", false)],
            copy.SourceContents);
    }

    [Fact]
    public void A_heredoc_destination_is_rejected() =>
        ParseAssert.Fails(Syntax.Of("COPY", "a", "<<EOF"), DiagnosticCodes.HeredocAsDestination, "COPY cannot accept a heredoc as a destination");

    [Theory]
    [InlineData("755", 0x1ED)]
    [InlineData("0644", 0x1A4)]
    [InlineData("7777", 0xFFF)]
    [InlineData("0", 0)]
    public void Octal_chmod_is_parsed(string text, int mode) =>
        Assert.Equal(mode, ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "b"], [$"--chmod={text}"])).Chmod!.Mode);

    [Theory]
    [InlineData("u+x")]
    [InlineData("u+x,go-w")]
    [InlineData("a=rX")]
    [InlineData("ug=rw,o=")]
    [InlineData("g=u")]
    [InlineData("+t")]
    [InlineData("u+s-x")]
    public void Symbolic_chmod_is_accepted(string text)
    {
        var chmod = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "b"], [$"--chmod={text}"])).Chmod!;
        Assert.True(chmod.IsSymbolic);
        Assert.Equal(text, chmod.Text);
    }

    [Theory]
    [InlineData("999", "it should be octal string and between 0 and 07777")]
    [InlineData("10000", "it should be octal string and between 0 and 07777")]
    [InlineData("64a", "invalid chmod parameter: '64a'")]
    [InlineData("u+q", "invalid permission 'q'")]
    [InlineData("u", "has no operator")]
    [InlineData("u+x,", "empty clause")]
    [InlineData("z+x", "unexpected 'z'")]
    public void Invalid_chmod_is_rejected(string text, string message) =>
        ParseAssert.Fails(Syntax.Make("COPY", ["a", "b"], [$"--chmod={text}"]), DiagnosticCodes.InvalidChmod, message);

    [Fact]
    public void Chmod_that_needs_expansion_is_validated_later()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["a", "b"], ["--chmod=$MODE"]));
        Assert.Null(copy.Chmod);
        Assert.Equal("$MODE", copy.ChmodText);
    }

    [Fact]
    public void Json_form_sources_are_taken_as_given()
    {
        var copy = ParseAssert.Parses<CopyInstruction>(Syntax.Make("COPY", ["my file", "/dst dir/"], json: true));
        AssertSeq.Equal(["my file"], copy.Sources);
        Assert.Equal("/dst dir/", copy.Destination);
    }
}
