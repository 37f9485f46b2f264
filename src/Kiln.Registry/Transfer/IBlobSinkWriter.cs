namespace Kiln.Registry.Transfer;

/// <summary>One blob being written into an <see cref="IBlobSink"/>.</summary>
public interface IBlobSinkWriter : IAsyncDisposable
{
    /// <summary>Receives the bytes in order, once (a resumed download continues where it stopped).</summary>
    Stream Stream { get; }

    /// <summary>Called after the puller verified size and digest; the sink may verify again.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
