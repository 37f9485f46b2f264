using System.IO.Pipes;
using Kiln.Content.IO;

namespace Kiln.Content.Tests.IO;

public sealed class StandardStreamTests
{
    [Fact]
    public void Writes_everything_to_the_descriptor()
    {
        using var reader = new AnonymousPipeServerStream(PipeDirection.In);
        using var writer = reader.ClientSafePipeHandle;
        var broken = 0;
        var stream = new StandardStream((int)writer.DangerousGetHandle(), () => broken++);

        stream.Write("hello, pipe\n"u8);
        var read = new byte[12];
        reader.ReadExactly(read);

        Assert.Equal("hello, pipe\n"u8.ToArray(), read);
        Assert.Equal(0, broken);
        Assert.False(stream.IsBroken);
    }

    [Fact]
    public void A_reader_that_went_away_is_reported_once_and_later_writes_are_dropped()
    {
        var reader = new AnonymousPipeServerStream(PipeDirection.In);
        using var writer = reader.ClientSafePipeHandle;
        reader.Dispose();
        var broken = 0;
        var stream = new StandardStream((int)writer.DangerousGetHandle(), () => broken++);

        stream.Write(new byte[100_000]);
        stream.Write("more"u8);

        Assert.Equal(1, broken);
        Assert.True(stream.IsBroken);
    }
}
