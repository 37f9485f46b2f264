using System.Diagnostics.CodeAnalysis;

namespace Kiln.Oci;

/// <summary>
/// An image reference, parsed and normalised as Docker and BuildKit do (distribution/reference's
/// <c>ParseNormalizedNamed</c>, then <c>TagNameOnly</c> in <see cref="Parse"/>): <c>busybox</c> is
/// <c>docker.io/library/busybox:latest</c>.
/// </summary>
/// <remarks>
/// Grammar (https://github.com/distribution/reference/blob/v0.6.0/reference.go):
/// <code>
/// reference   := name [ ":" tag ] [ "@" digest ]
/// name        := [domain '/'] path-component ['/' path-component]*
/// domain      := host [':' port-number]
/// host        := domain-name | '[' IPv6-hex-and-colons ']'
/// domain-name := domain-component ['.' domain-component]*      (components [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)
/// path-component := [a-z0-9]+ (separator [a-z0-9]+)*            (separator: '.', '_', '__' or one or more '-')
/// tag         := [\w][\w.-]{0,127}
/// </code>
/// The whole name (domain and path) is at most 255 characters. The first component is a registry only when it
/// is <c>localhost</c>, contains <c>.</c> or <c>:</c>, or has an upper-case letter.
/// </remarks>
public sealed record ImageReference
{
    public const string DefaultRegistry = "docker.io";
    public const string DefaultTag = "latest";
    private const string LegacyDefaultRegistry = "index.docker.io";
    private const string OfficialPrefix = "library/";
    private const int NameTotalLengthMax = 255;
    private const int TagLengthMax = 128;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, with its port if any: <c>docker.io</c>, <c>localhost:5000</c>, <c>[::1]:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry: <c>library/busybox</c>.</summary>
    public string Repository { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary>Registry and repository: <c>docker.io/library/busybox</c>.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>The short name people type: <c>busybox</c>, <c>user/app</c>, <c>localhost:5000/app</c>.</summary>
    public string FamiliarName
    {
        get
        {
            if (Registry != DefaultRegistry)
            {
                return Name;
            }

            // Only a direct child of library/ is an official image; library/a/b keeps its prefix.
            var rest = Repository.StartsWith(OfficialPrefix, StringComparison.Ordinal) ? Repository[OfficialPrefix.Length..] : null;
            return rest is not null && !rest.Contains('/', StringComparison.Ordinal) ? rest : Repository;
        }
    }

    /// <summary>The familiar name with tag and digest: <c>busybox:latest</c>.</summary>
    public string FamiliarString => FamiliarName + Suffix;

    /// <summary>The tag, else the digest: what a registry's <c>/manifests/</c> endpoint is asked for.</summary>
    public string? TagOrDigest => Digest?.ToString() ?? Tag;

    private string Suffix => (Tag is null ? string.Empty : ":" + Tag) + (Digest is { } digest ? "@" + digest : string.Empty);

    /// <summary>Parses and normalises a reference; without a tag or a digest it gets <c>:latest</c>.</summary>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new OciFormatException(error);

    /// <summary>Parses and normalises a reference, leaving it without a tag when none was given.</summary>
    public static ImageReference ParseNormalized(string text) =>
        TryParse(text, defaultTag: false, out var reference, out var error) ? reference : throw new OciFormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error) =>
        TryParse(text, defaultTag: true, out reference, out error);

    public static bool TryParse([NotNullWhen(true)] string? text, bool defaultTag, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "invalid reference format: an image reference cannot be empty";
            return false;
        }

        if (text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            error = $"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings";
            return false;
        }

        var (registry, remainder) = SplitRegistry(text);

        // The lower-case rule applies to the repository only (a registry host may have capitals).
        var colon = remainder.IndexOf(':', StringComparison.Ordinal);
        var remote = colon < 0 ? remainder : remainder[..colon];
        if (!string.Equals(remote.ToLowerInvariant(), remote, StringComparison.Ordinal))
        {
            error = $"invalid reference format: repository name ({remote}) must be lowercase";
            return false;
        }

        string? digestText = null;
        var at = remainder.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digestText = remainder[(at + 1)..];
            remainder = remainder[..at];
        }

        string? tag = null;
        var tagColon = remainder.LastIndexOf(':');
        if (tagColon >= 0)
        {
            tag = remainder[(tagColon + 1)..];
            remainder = remainder[..tagColon];
        }

        var repository = remainder;
        if (!IsValidRegistry(registry))
        {
            error = $"invalid reference format: \"{registry}\" is not a valid registry host[:port] in \"{text}\"";
            return false;
        }

        if (!IsValidRepository(repository))
        {
            error = repository.Length == 0
                ? $"invalid reference format: repository name must have at least one component in \"{text}\""
                : $"invalid reference format: \"{repository}\" is not a valid repository name (lower-case letters, digits and separators . _ __ -, components joined by /) in \"{text}\"";
            return false;
        }

        if (registry.Length + 1 + repository.Length > NameTotalLengthMax)
        {
            error = $"invalid reference format: repository name must not be more than {NameTotalLengthMax} characters in \"{text}\"";
            return false;
        }

        if (tag is not null && !IsValidTag(tag))
        {
            error = $"invalid reference format: tag \"{tag}\" must be 1 to {TagLengthMax} letters, digits, _ . or -, not starting with . or -";
            return false;
        }

        Digest? digest = null;
        if (digestText is not null)
        {
            if (!Oci.Digest.TryParse(digestText, out var parsed, out var digestError))
            {
                error = $"invalid reference format: {digestError}";
                return false;
            }

            digest = parsed;
        }

        if (defaultTag && tag is null && digest is null)
        {
            tag = DefaultTag;
        }

        reference = new ImageReference(registry, repository, tag, digest);
        error = null;
        return true;
    }

    public ImageReference WithTag(string tag)
    {
        if (!IsValidTag(tag))
        {
            throw new OciFormatException($"invalid tag \"{tag}\"");
        }

        return new ImageReference(Registry, Repository, tag, Digest);
    }

    public ImageReference WithDigest(Digest digest) =>
        digest.IsEmpty ? throw new ArgumentException("an empty digest", nameof(digest)) : new ImageReference(Registry, Repository, Tag, digest);

    /// <summary>The same repository with neither tag nor digest.</summary>
    public ImageReference WithoutTagOrDigest() => new(Registry, Repository, null, null);

    /// <summary>The full, normalised form: <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() => Name + Suffix;

    private static (string Registry, string Remainder) SplitRegistry(string text)
    {
        string registry;
        string remainder;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            // A single element is always a Docker Hub repository, even "localhost:5000" (tag 5000).
            registry = DefaultRegistry;
            remainder = text;
        }
        else
        {
            var first = text[..slash];
            if (first == LegacyDefaultRegistry)
            {
                registry = DefaultRegistry;
                remainder = text[(slash + 1)..];
            }
            else if (first == "localhost" || first.AsSpan().IndexOfAny('.', ':') >= 0 ||
                     !string.Equals(first.ToLowerInvariant(), first, StringComparison.Ordinal))
            {
                registry = first;
                remainder = text[(slash + 1)..];
            }
            else
            {
                registry = DefaultRegistry;
                remainder = text;
            }
        }

        if (registry == DefaultRegistry && !remainder.Contains('/', StringComparison.Ordinal))
        {
            remainder = OfficialPrefix + remainder;
        }

        return (registry, remainder);
    }

    private static bool IsValidRegistry(string registry)
    {
        string host;
        string? port;
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']', StringComparison.Ordinal);
            if (close < 2 || !registry[1..close].All(c => char.IsAsciiHexDigit(c) || c == ':'))
            {
                return false;
            }

            host = registry[..(close + 1)];
            var rest = registry[(close + 1)..];
            if (rest.Length == 0)
            {
                port = null;
            }
            else if (rest[0] == ':')
            {
                port = rest[1..];
            }
            else
            {
                return false;
            }
        }
        else
        {
            var colon = registry.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? registry : registry[..colon];
            port = colon < 0 ? null : registry[(colon + 1)..];
            foreach (var component in host.Split('.'))
            {
                if (component.Length == 0 || !char.IsAsciiLetterOrDigit(component[0]) || !char.IsAsciiLetterOrDigit(component[^1]) ||
                    !component.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        return port is null || (port.Length > 0 && port.All(char.IsAsciiDigit));
    }

    private static bool IsValidRepository(string repository)
    {
        if (repository.Length == 0)
        {
            return false;
        }

        foreach (var component in repository.Split('/'))
        {
            if (!IsValidPathComponent(component))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidPathComponent(string component)
    {
        if (component.Length == 0 || !IsLowerAlphaNumeric(component[0]) || !IsLowerAlphaNumeric(component[^1]))
        {
            return false;
        }

        var i = 0;
        while (i < component.Length)
        {
            if (IsLowerAlphaNumeric(component[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < component.Length && !IsLowerAlphaNumeric(component[i]))
            {
                i++;
            }

            var separator = component.AsSpan(start, i - start);
            var valid = separator is "." or "_" or "__" || separator.IndexOfAnyExcept('-') < 0;
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidTag(string tag)
    {
        if (tag.Length is 0 or > TagLengthMax || !IsWordCharacter(tag[0]))
        {
            return false;
        }

        return tag.All(c => IsWordCharacter(c) || c is '.' or '-');
    }

    private static bool IsLowerAlphaNumeric(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
