using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using Kiln.Build.Context;
using Kiln.Content.Compression;
using Kiln.Content.Tar;
using Kiln.Content.Paths;

namespace Kiln.Build.Copy;

/// <summary>
/// ADD's local-archive rule, as BuildKit's file op does it (isArchivePath, then unpack): a regular file is an
/// archive when, after decompression sniffed from its first bytes (gzip, bzip2, xz, zstd: moby's
/// DecompressStream), a first tar header reads cleanly. It is then extracted into the destination, which is always
/// a directory (created like a missing parent). Anything else is copied as a file.
/// </summary>
/// <remarks>
/// .NET has no bzip2 or xz decoder, so those go through the system's <c>bzip2 -dc</c> / <c>xz -dc</c> in a pipe.
/// </remarks>
internal static class ArchiveUnpacker
{
    public static async Task<bool> TryUnpackAsync(
        RootDirectory sourceRoot, SelectedSource selected, TargetWriter writer, ImmutableArray<string> destination, CopyOwner? owner, CancellationToken cancellationToken)
    {
        using var parent = sourceRoot.OpenDirectory(selected.Physical[..^1]);
        using var handle = DirectoryListing.OpenFileForRead(parent, selected.Physical[^1], selected.PhysicalPath);
        await using var file = new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024);
        return await TryUnpackAsync(file, selected.Text, writer, destination, owner, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The same for an archive read from <paramref name="input"/> as it comes, a pipe as well as a file (nothing is
    /// read twice: the sniffed bytes are replayed). <paramref name="source"/> names it in errors.
    /// </summary>
    public static async Task<bool> TryUnpackAsync(
        Stream input, string source, TargetWriter writer, ImmutableArray<string> destination, CopyOwner? owner, CancellationToken cancellationToken)
    {
        var prefix = new byte[LayerDecompression.SniffLength];
        var read = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var compression = LayerDecompression.Detect(prefix.AsSpan(0, read));
        await using var file = new PrefixReplayStream(prefix.AsMemory(0, read), input, leaveOpen: true);
        await using var decompressor = Decompressor.Open(compression, file, source, cancellationToken);
        await using var reader = new TarReader(decompressor.Stream, leaveOpen: true);
        TarEntry? first;
        try
        {
            first = await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TarFormatException or InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException)
        {
            return false;
        }
        catch (IOException) when (compression != LayerCompression.None)
        {
            return false;
        }

        if (first is null)
        {
            return false;
        }

        var physical = writer.EnsureDirectory(destination, owner);
        using var directory = writer.Root.OpenDirectory(physical);
        using var extractionRoot = RootDirectory.Open($"/proc/self/fd/{directory.DangerousGetHandle()}");
        var unpacker = new TarUnpacker(extractionRoot, writer, owner, string.Join('/', physical), source);
        var entry = first;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            await unpacker.ApplyAsync(reader, entry, cancellationToken).ConfigureAwait(false);
        }
        while ((entry = await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false)) is not null);

        unpacker.FinishDirectories();
        await decompressor.CompleteAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>A decompressed view of the archive; for bzip2/xz a child process we must reap.</summary>
    private sealed class Decompressor : IAsyncDisposable
    {
        private readonly Process? _process;
        private readonly Task? _feeder;
        private readonly string _tool;
        private readonly bool _ownsStream;

        private Decompressor(Stream stream, bool ownsStream, Process? process = null, Task? feeder = null, string tool = "")
        {
            Stream = stream;
            _ownsStream = ownsStream;
            _process = process;
            _feeder = feeder;
            _tool = tool;
        }

        public Stream Stream { get; }

        public static Decompressor Open(LayerCompression compression, Stream file, string source, CancellationToken cancellationToken) => compression switch
        {
            LayerCompression.Gzip => new Decompressor(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), true),
            LayerCompression.Zstd => new Decompressor(new ZstdSharp.DecompressionStream(file, leaveOpen: true), true),
            LayerCompression.Bzip2 => StartTool("bzip2", file, source, cancellationToken),
            LayerCompression.Xz => StartTool("xz", file, source, cancellationToken),
            _ => new Decompressor(file, false),
        };

        /// <summary>After a successful extraction: the tool must have exited cleanly (a corrupt tail is an error).</summary>
        public async Task CompleteAsync()
        {
            if (_process is null)
            {
                return;
            }

            if (_feeder is not null)
            {
                await _feeder.ConfigureAwait(false);
            }

            await Stream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            await _process.WaitForExitAsync().ConfigureAwait(false);
            if (_process.ExitCode != 0)
            {
                var error = await _process.StandardError.ReadToEndAsync().ConfigureAwait(false);
                throw new CopyException($"{_tool} -dc failed (exit {_process.ExitCode}): {error.Trim()}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_ownsStream)
            {
                await Stream.DisposeAsync().ConfigureAwait(false);
            }

            if (_process is not null)
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }

                try
                {
                    if (_feeder is not null)
                    {
                        await _feeder.ConfigureAwait(false);
                    }
                }
                catch (IOException)
                {
                    // The tool was stopped (not an archive, or an error): its stdin closing early is expected.
                }

                await _process.WaitForExitAsync().ConfigureAwait(false);
                _process.Dispose();
            }
        }

        private static Decompressor StartTool(string tool, Stream file, string source, CancellationToken cancellationToken)
        {
            var info = new ProcessStartInfo(tool)
            {
                ArgumentList = { "-dc" },
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new CopyException($"could not start {tool}");
            }
            catch (Win32Exception e)
            {
                throw new CopyException($"ADD {source}: the file is {tool}-compressed and decompressing it needs the '{tool}' program, which was not found", e);
            }

            var feeder = FeedAsync(file, process.StandardInput.BaseStream, cancellationToken);
            return new Decompressor(process.StandardOutput.BaseStream, false, process, feeder, tool);
        }

        private static async Task FeedAsync(Stream file, Stream input, CancellationToken cancellationToken)
        {
            await using (input.ConfigureAwait(false))
            {
                await file.CopyToAsync(input, 64 * 1024, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
