using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Registry.Transfer;

/// <summary>The descriptors a manifest or index points at, read through Kiln.Oci's validating parsers.</summary>
internal sealed record ManifestLinks(ImageIndex? Index, Descriptor? Config, ImmutableArray<Descriptor> Layers, ImmutableArray<Descriptor> Manifests)
{
    public static ManifestLinks Parse(RegistryManifest manifest)
    {
        try
        {
            if (MediaTypes.IsIndex(manifest.Descriptor.MediaType))
            {
                var index = OciDocuments.ParseIndex(manifest.Content.Span).Value;
                return new ManifestLinks(index, null, [], index.Manifests);
            }

            var image = OciDocuments.ParseManifest(manifest.Content.Span).Value;
            return new ManifestLinks(null, image.Config, image.Layers, []);
        }
        catch (OciFormatException e)
        {
            throw new RegistryException($"manifest {manifest.Descriptor.Digest} is invalid: {e.Message}", e);
        }
    }
}
