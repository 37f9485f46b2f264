using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln build --build-context NAME=VALUE</c>, as buildx reads it: the name normalised as an image reference's (see
/// <see cref="NamedContextNames"/>), the value <c>docker-image://REF</c> or else a local directory; BuildKit's other
/// sources (URLs, git, <c>oci-layout://</c>, <c>target:</c>, <c>input:</c>) are refused as not supported yet.
/// A name given twice keeps its last value, as buildx's map does.
/// </summary>
internal sealed class NamedContexts
{
    private const string ImagePrefix = "docker-image://";

    /// <summary>buildx's other non-path forms: git@host:path, a bake target, a gateway input.</summary>
    private static readonly string[] OtherForms = ["git@", "target:", "input:"];

    private NamedContexts(ImmutableDictionary<string, NamedContext> contexts, ImmutableDictionary<string, string> directories)
    {
        Contexts = contexts;
        Directories = directories;
    }

    public static NamedContexts Empty { get; } = new(
        ImmutableDictionary<string, NamedContext>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>What each normalised name stands for, as the frontend binds it.</summary>
    public ImmutableDictionary<string, NamedContext> Contexts { get; }

    /// <summary>The absolute directory of each local context, by normalised name.</summary>
    public ImmutableDictionary<string, string> Directories { get; }

    /// <summary>These contexts and the one <paramref name="text"/> gives; null, with the error written, when it is not valid.</summary>
    public NamedContexts? Add(string text, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(error);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? text : text[..equals];
        var value = equals < 0 ? string.Empty : text[(equals + 1)..];
        string? problem = null;
        var normalized = equals < 0 ? null : name.Length == 0 ? null : NamedContextNames.Normalize(name, out problem);
        problem = equals < 0 ? "expected NAME=VALUE (a directory or docker-image://REF)"
            : name.Length == 0 ? "the name is empty"
            : normalized is null ? $"invalid context name {name}: {problem}"
            : value.Length == 0 ? "the value is empty: give a directory or docker-image://REF"
            : null;
        if (problem is not null)
        {
            error.WriteLine($"ERROR: kiln build: invalid --build-context '{text}': {problem}");
            return null;
        }

        if (value.StartsWith(ImagePrefix, StringComparison.Ordinal))
        {
            var reference = value[ImagePrefix.Length..];
            if (!ImageReference.TryParse(reference, out _, out var referenceProblem))
            {
                error.WriteLine($"ERROR: kiln build: invalid --build-context '{text}': {referenceProblem}");
                return null;
            }

            return new NamedContexts(Contexts.SetItem(normalized!, new NamedContext.Image(reference)), Directories.Remove(normalized!));
        }

        if (UnsupportedForm(value) is { } form)
        {
            error.WriteLine($"ERROR: kiln build: --build-context '{text}': {form} contexts are not supported yet (kiln takes a directory or docker-image://REF)");
            return null;
        }

        var directory = Path.GetFullPath(value);
        if (!Directory.Exists(directory))
        {
            var what = File.Exists(directory) ? "is not a directory" : "does not exist";
            error.WriteLine($"ERROR: kiln build: invalid --build-context '{text}': {value} {what}");
            return null;
        }

        return new NamedContexts(Contexts.SetItem(normalized!, new NamedContext.Local(normalized!)), Directories.SetItem(normalized!, directory));
    }

    /// <summary>
    /// Each local context opened with its own .dockerignore, as BuildKit reads one per named context; null, with the
    /// error written, when one of them has a pattern BuildKit would refuse.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, BuildContext>?> OpenDirectoriesAsync(TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var opened = new Dictionary<string, BuildContext>(StringComparer.Ordinal);
        foreach (var (name, directory) in Directories)
        {
            try
            {
                opened[name] = await BuildContext.OpenAsync(directory, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                await error.WriteLineAsync($"ERROR: kiln build: --build-context {name}: {e.Message}").ConfigureAwait(false);
                return null;
            }
        }

        return opened;
    }

    /// <summary>The prefix of a source BuildKit knows and kiln does not read yet (<c>https://</c>, <c>git@</c>...); null for a path.</summary>
    private static string? UnsupportedForm(string value)
    {
        // As buildx tells them apart: a URL (http, https, git, ssh, oci-layout...) or one of the other forms; anything
        // else is a path.
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && value[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            return value[..(scheme + 3)];
        }

        return OtherForms.FirstOrDefault(prefix => value.StartsWith(prefix, StringComparison.Ordinal));
    }
}
