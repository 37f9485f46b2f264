using System.Text.RegularExpressions;
using Kiln.Oci;

namespace Kiln.Registry;

/// <summary>
/// Repository names and references go into URL paths, so they are checked against the distribution grammar
/// (distribution spec, "Pulling manifests": <c>&lt;name&gt;</c> and <c>&lt;reference&gt;</c>) before use.
/// </summary>
internal static partial class RegistryNames
{
    public static void ValidateRepository(string repository)
    {
        if (string.IsNullOrEmpty(repository) || repository.Length > 255 || !RepositoryPattern().IsMatch(repository))
        {
            throw new ArgumentException($"invalid repository name \"{repository}\"", nameof(repository));
        }
    }

    /// <summary>A tag or a digest; true when it is a digest.</summary>
    public static bool ValidateReference(string reference, out Digest digest)
    {
        if (Digest.TryParse(reference, out digest))
        {
            return true;
        }

        if (string.IsNullOrEmpty(reference) || !TagPattern().IsMatch(reference))
        {
            throw new ArgumentException($"invalid tag or digest \"{reference}\"", nameof(reference));
        }

        return false;
    }

    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
