using System.Runtime.ExceptionServices;

namespace Kiln.Build.Context;

/// <summary>
/// Per-file work of one directory spread over the cores. Copying or hashing many small files is mostly system calls
/// (create, write, chmod, read), which the kernel runs in parallel for different files, so a context of thousands
/// of files is read and copied in about half the time on two cores.
/// </summary>
internal static class ParallelFiles
{
    /// <summary>
    /// More threads than this gain nothing: files of one directory share its lock for creation, and the disk is one.
    /// </summary>
    private const int MaxThreads = 8;

    /// <summary>Below this many files, starting threads costs more than it saves.</summary>
    private const int MinFilesForThreads = 4;

    /// <summary>Runs <paramref name="work"/> for 0..<paramref name="count"/>-1; the first failure is rethrown as it is.</summary>
    public static void For(int count, Action<int> work, CancellationToken cancellationToken)
    {
        var threads = Math.Min(Environment.ProcessorCount, MaxThreads);
        if (count < MinFilesForThreads || threads < 2)
        {
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                work(i);
            }

            return;
        }

        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, work);
        }
        catch (AggregateException failure)
        {
            // Callers report a CopyException or an IOException with the file's path: unwrap it rather than
            // make every caller look inside an AggregateException.
            ExceptionDispatchInfo.Capture(failure.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
