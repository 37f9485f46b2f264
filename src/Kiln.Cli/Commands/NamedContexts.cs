using System.Collections.Immutable;
using Kiln.Build.Context;
using Kiln.Build.Git;
using Kiln.Dockerfile.Instructions;
using Kiln.Dockerfile.Stages;
using Kiln.Oci;

namespace Kiln.Cli.Commands;

/// <summary>
/// <c>kiln build --build-context NAME=VALUE</c>, as buildx reads it: the name normalised as an image reference's (see
/// <see cref="NamedContextNames"/>), the value <c>docker-image://REF</c>, a git repository (<c>git@host:repo</c>,
/// <c>git://</c>, an http(s) URL ending in .git, as dockerui's namedcontext takes them) or else a local directory;
/// BuildKit's other sources (other URLs, <c>oci-layout://</c>, <c>target:</c>, <c>input:</c>) are refused as not
/// supported yet. A name given twice keeps its last value, as buildx's map does.
/// </summary>
internal sealed class NamedContexts
{
    private const string ImagePrefix = "docker-image://";

    /// <summary>buildx's other non-path forms: a bake target, a gateway input.</summary>
    private static readonly string[] OtherForms = ["target:", "input:"];

    private NamedContexts(ImmutableDictionary<string, NamedContext> contexts, ImmutableDictionary<string, string> directories, ImmutableDictionary<string, string> repositories)
    {
        Contexts = contexts;
        Directories = directories;
        Repositories = repositories;
    }

    public static NamedContexts Empty { get; } = new(
        ImmutableDictionary<string, NamedContext>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>What each normalised name stands for, as the frontend binds it.</summary>
    public ImmutableDictionary<string, NamedContext> Contexts { get; }

    /// <summary>The absolute directory of each local context, by normalised name.</summary>
    public ImmutableDictionary<string, string> Directories { get; }

    /// <summary>The URL of each git context, by normalised name: fetched before the build, then read as a directory.</summary>
    public ImmutableDictionary<string, string> Repositories { get; }

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

            return new NamedContexts(Contexts.SetItem(normalized!, new NamedContext.Image(reference)), Directories.Remove(normalized!), Repositories.Remove(normalized!));
        }

        if (IsRepository(value))
        {
            try
            {
                GitSource.Parse(value);
            }
            catch (GitException e)
            {
                error.WriteLine($"ERROR: kiln build: invalid --build-context '{text}': {e.Message}");
                return null;
            }

            return new NamedContexts(Contexts.SetItem(normalized!, new NamedContext.Local(normalized!)), Directories.Remove(normalized!), Repositories.SetItem(normalized!, value));
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

        return new NamedContexts(Contexts.SetItem(normalized!, new NamedContext.Local(normalized!)), Directories.SetItem(normalized!, directory), Repositories.Remove(normalized!));
    }

    /// <summary>dockerui's namedcontext: git@ and git:// are repositories, and an http(s) URL that ParseGitRef takes (path ending in .git).</summary>
    private static bool IsRepository(string value) =>
        value.StartsWith("git@", StringComparison.Ordinal) || value.StartsWith("git://", StringComparison.Ordinal)
        || ((value.StartsWith("http://", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal)) && GitReference.IsGit(value));

    /// <summary>
    /// Each local context opened with its own .dockerignore, as BuildKit reads one per named context; null, with the
    /// error written, when one of them has a pattern BuildKit would refuse.
    /// </summary>
    /// <param name="access">What the git contexts are fetched with; each is a checkout, with no .dockerignore applied (BuildKit's git source has no excludes).</param>
    public async Task<OpenedContexts?> OpenDirectoriesAsync(GitAccess access, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var opened = new OpenedContexts();
        try
        {
            foreach (var (name, directory) in Directories)
            {
                try
                {
                    opened.Contexts[name] = await BuildContext.OpenAsync(directory, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    await error.WriteLineAsync($"ERROR: kiln build: --build-context {name}: {e.Message}").ConfigureAwait(false);
                    await opened.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            foreach (var (name, url) in Repositories)
            {
                var checkout = await GitContext.FetchAsync(url, access, error, cancellationToken).ConfigureAwait(false);
                if (checkout is null)
                {
                    await opened.DisposeAsync().ConfigureAwait(false);
                    return null;
                }

                opened.Checkouts.Add(checkout);
                opened.Contexts[name] = BuildContext.WithPatterns(checkout.ContextPath, []);
            }

            return opened;
        }
        catch
        {
            await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The prefix of a source BuildKit knows and kiln does not read yet (<c>https://</c>, <c>target:</c>...); null for a path.</summary>
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
