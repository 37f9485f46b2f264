using System.Security.Cryptography;
using Kiln.Oci;
using Kiln.Registry.Transfer;

namespace Kiln.Registry.Tests.Infrastructure;

/// <summary>
/// A test sink and source laid out like an OCI layout's <c>blobs/sha256/</c> folder, so skopeo can read what was
/// pulled. Commits verify the digest themselves, independently of the client.
/// </summary>
internal sealed class DirectoryBlobStore : IBlobSink, IBlobSource
{
    public DirectoryBlobStore(string root)
    {
        Root = root;
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
    }

    public string Root { get; }

    public int Commits;

    public string PathOf(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Encoded);

    public void Add(Digest digest, byte[] bytes) => File.WriteAllBytes(PathOf(digest), bytes);

    public ValueTask<bool> ContainsAsync(Descriptor descriptor, CancellationToken cancellationToken) => ValueTask.FromResult(File.Exists(PathOf(descriptor.Digest)));

    public ValueTask<IBlobSinkWriter> BeginWriteAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IBlobSinkWriter>(new Writer(this, descriptor));

    public ValueTask<Stream> OpenReadAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        ValueTask.FromResult<Stream>(File.OpenRead(PathOf(descriptor.Digest)));

    /// <summary>Writes <c>oci-layout</c> and an <c>index.json</c> naming <paramref name="manifest"/> as <paramref name="tag"/>.</summary>
    public void WriteLayout(Descriptor manifest, string tag)
    {
        File.WriteAllText(Path.Combine(Root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(
            Path.Combine(Root, "index.json"),
            $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{manifest.MediaType}}}","digest":"{{{manifest.Digest}}}","size":{{{manifest.Size}}},"annotations":{"org.opencontainers.image.ref.name":"{{{tag}}}"}}]}""");
    }

    private sealed class Writer(DirectoryBlobStore store, Descriptor descriptor) : IBlobSinkWriter
    {
        private readonly string temp = store.PathOf(descriptor.Digest) + "." + Guid.NewGuid().ToString("N") + ".tmp";
        private FileStream? stream;

        public Stream Stream => stream ??= File.Create(temp);

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            var file = (FileStream)Stream;
            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            var digest = Digest.FromSha256Hash(await SHA256.HashDataAsync(file, cancellationToken));
            if (digest != descriptor.Digest || file.Length != descriptor.Size)
            {
                throw new InvalidOperationException($"sink got {digest} ({file.Length} bytes) for {descriptor.Digest} ({descriptor.Size} bytes)");
            }

            await file.DisposeAsync();
            File.Move(temp, store.PathOf(descriptor.Digest), overwrite: true);
            Interlocked.Increment(ref store.Commits);
        }

        public async ValueTask DisposeAsync()
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            File.Delete(temp);
        }
    }
}
