using System.Text.RegularExpressions;

namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// A git repository named as BuildKit's dockerfile frontend names one (dfgitutil.ParseGitRef over gitutil.ParseURL):
/// <c>REMOTE[?QUERY][#REF[:SUBDIR]]</c>, where REMOTE is an http, https, ssh or git URL (any case of the scheme) or an
/// scp-style <c>user@host:path</c>; an http(s) URL is a repository only when its path ends in ".git". The query may
/// name <c>ref</c>, <c>tag</c>, <c>branch</c>, <c>subdir</c>, <c>checksum</c> (or <c>commit</c>), <c>keep-git-dir</c>,
/// <c>submodules</c> and <c>mtime</c>; each must agree with the fragment.
/// </summary>
/// <param name="Remote">The URL git is given: the text without its query and fragment.</param>
/// <param name="Ref">A branch, tag or commit; empty for the remote's default branch.</param>
/// <param name="SubDir">A directory in the repository, cleaned and relative ("" for the root).</param>
/// <param name="Checksum">The commit (a hex prefix of it) the ref must resolve to; null when not given.</param>
/// <param name="KeepGitDir">keep-git-dir from the query; null when not given.</param>
/// <param name="Submodules">submodules from the query; null when not given (they are checked out).</param>
/// <param name="MTime">"commit" to give every file the commit's time; null for the checkout's time.</param>
/// <param name="IndistinguishableFromLocal">"github.com/..." without a scheme: BuildKit takes it as git only for a build context.</param>
public sealed partial record GitReference(
    string Remote,
    string Scheme,
    string Ref,
    string SubDir,
    string? Checksum,
    bool? KeepGitDir,
    bool? Submodules,
    string? MTime,
    bool IndistinguishableFromLocal)
{
    private static readonly HashSet<string> Protocols = new(StringComparer.Ordinal) { "http", "https", "ssh", "git" };

    /// <summary>Reached over ssh: the <c>--ssh default</c> agent authenticates.</summary>
    public bool IsSsh => Scheme == "ssh";

    /// <summary>
    /// Parses <paramref name="text"/>. False with a null <paramref name="error"/> when it is not a git repository at
    /// all (a local path, an http URL of a file); false with an error when it is one but is written wrong.
    /// </summary>
    public static bool TryParse(string text, out GitReference? reference, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        reference = null;
        error = null;
        if (text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith("../", StringComparison.Ordinal))
        {
            return false;
        }

        string scheme, path, rest;
        var local = false;
        if (text.StartsWith("github.com/", StringComparison.Ordinal))
        {
            (scheme, path, rest, local) = ("https", AfterAuthority(text), text, true);
        }
        else if (ProtocolPattern().Match(text) is { Success: true } protocol)
        {
            scheme = protocol.Groups[1].Value.ToLowerInvariant();
            if (!Protocols.Contains(scheme))
            {
                return false;
            }

            rest = text;
            path = AfterAuthority(text[protocol.Length..]);
        }
        else if (ScpPattern().Match(text) is { Success: true } scp)
        {
            (scheme, path, rest) = ("ssh", scp.Groups[1].Value, text);
        }
        else
        {
            return false;
        }

        // Go's url.Parse: the fragment follows the first '#', the query the first '?' before it.
        var fragmentAt = rest.IndexOf('#', StringComparison.Ordinal);
        var fragment = fragmentAt < 0 ? string.Empty : rest[(fragmentAt + 1)..];
        var beforeFragment = fragmentAt < 0 ? rest : rest[..fragmentAt];
        var queryAt = beforeFragment.IndexOf('?', StringComparison.Ordinal);
        var query = queryAt < 0 ? string.Empty : beforeFragment[(queryAt + 1)..];
        var remote = queryAt < 0 ? beforeFragment : beforeFragment[..queryAt];
        path = Unescape(StripQueryAndFragment(path));
        if (!local && scheme is "http" or "https" && !path.EndsWith(".git", StringComparison.Ordinal))
        {
            return false;
        }

        var (gitRef, subDir) = SplitFragment(fragment);
        var parsed = new GitReference(local ? "https://" + remote : remote, scheme, gitRef, subDir, null, null, null, null, local);
        if (query.Length > 0 && !parsed.TryApplyQuery(query, out parsed, out error))
        {
            return false;
        }

        if (parsed.Ref.StartsWith('-'))
        {
            error = $"invalid git ref \"{parsed.Ref}\"";
            return false;
        }

        reference = parsed;
        return true;
    }

    /// <summary>Whether <paramref name="text"/> names a git repository (rightly written or not).</summary>
    public static bool IsGit(string text) => TryParse(text, out var reference, out var error) ? !reference!.IndistinguishableFromLocal : error is not null;

    /// <summary>A full commit id: 40 (sha1) or 64 (sha256) lowercase hex digits, as gitutil.IsCommitSHA.</summary>
    public static bool IsCommit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length is 40 or 64 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
    }

    /// <summary>The fragment: the ref before the first ':', then the subdirectory, cleaned as path.Join("/", dir).</summary>
    private static (string Ref, string SubDir) SplitFragment(string fragment)
    {
        var colon = fragment.IndexOf(':', StringComparison.Ordinal);
        var gitRef = colon < 0 ? fragment : fragment[..colon];
        var subDir = colon < 0 ? string.Empty : CleanSubDir(fragment[(colon + 1)..]);
        return (gitRef, subDir);
    }

    private static string CleanSubDir(string dir)
    {
        var parts = new List<string>();
        foreach (var part in dir.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private bool TryApplyQuery(string query, out GitReference result, out string? error)
    {
        result = this;
        error = null;
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? string.Empty : Unescape(pair[(equals + 1)..].Replace('+', ' '));
            if (!values.TryGetValue(key, out var list))
            {
                values[key] = list = [];
            }

            list.Add(value);
        }

        string? tag = null, branch = null;
        foreach (var (key, list) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (list.Count > 1)
            {
                error = $"query \"{key}\" has multiple values";
                return false;
            }

            var value = list[0];
            var flag = key is "submodules" or "keep-git-dir" or "fetch-by-commit";
            if (value.Length == 0 && !flag)
            {
                error = $"query \"{key}\" has no value";
                return false;
            }

            switch (key)
            {
                case "ref":
                    if (result.Ref.Length > 0 && result.Ref != value)
                    {
                        error = $"ref conflicts: \"{result.Ref}\" vs \"{value}\"";
                        return false;
                    }

                    result = result with { Ref = value };
                    break;
                case "tag":
                    tag = value;
                    break;
                case "branch":
                    branch = value;
                    break;
                case "subdir":
                    var subDir = CleanSubDir(value);
                    if (result.SubDir.Length > 0 && result.SubDir != subDir)
                    {
                        error = $"subdir conflicts: \"{result.SubDir}\" vs \"{value}\"";
                        return false;
                    }

                    result = result with { SubDir = subDir };
                    break;
                case "checksum" or "commit":
                    result = result with { Checksum = value };
                    break;
                case "keep-git-dir":
                    if (!TryParseBool(value, out var keep))
                    {
                        error = $"invalid keep-git-dir value: \"{value}\"";
                        return false;
                    }

                    result = result with { KeepGitDir = keep };
                    break;
                case "submodules":
                    if (!TryParseBool(value, out var submodules))
                    {
                        error = $"invalid submodules value: \"{value}\"";
                        return false;
                    }

                    result = result with { Submodules = submodules };
                    break;
                case "mtime":
                    if (value is not ("checkout" or "commit"))
                    {
                        error = $"invalid mtime value: \"{value}\" (must be \"checkout\" or \"commit\")";
                        return false;
                    }

                    result = result with { MTime = value };
                    break;
                case "fetch-by-commit":
                    error = "the git query fetch-by-commit is not supported yet";
                    return false;
                default:
                    error = $"unexpected query \"{key}\"";
                    return false;
            }
        }

        if (tag is not null && !TryQualify(ref result, tag, "refs/tags/", out error))
        {
            return false;
        }

        if (branch is not null)
        {
            if (tag is not null)
            {
                error = "branch conflicts with tag";
                return false;
            }

            if (!TryQualify(ref result, branch, "refs/heads/", out error))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryQualify(ref GitReference result, string name, string prefix, out string? error)
    {
        var qualified = name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
        if (result.Ref.Length > 0 && result.Ref != qualified)
        {
            error = $"ref conflicts: \"{result.Ref}\" vs \"{qualified}\"";
            return false;
        }

        result = result with { Ref = qualified };
        error = null;
        return true;
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    private static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "" or "1" or "t" or "T" or "true" or "TRUE" or "True":
                result = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>The path of <c>host/path...</c> (after "scheme://"): from the first '/', query and fragment still on.</summary>
    private static string AfterAuthority(string afterScheme)
    {
        var end = afterScheme.IndexOfAny(['/', '?', '#']);
        return end < 0 || afterScheme[end] != '/' ? string.Empty : afterScheme[end..];
    }

    private static string StripQueryAndFragment(string path)
    {
        var end = path.IndexOfAny(['?', '#']);
        return end < 0 ? path : path[..end];
    }

    private static string Unescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    [GeneratedRegex("^([a-zA-Z0-9]+)://")]
    private static partial Regex ProtocolPattern();

    // sshutil's scp-style URL: user@host:path, then an optional ?query and #fragment.
    [GeneratedRegex("^[a-zA-Z0-9_-]+@[a-zA-Z0-9.-]+:(.*?)(?:\\?.*?)?(?:#.*)?$")]
    private static partial Regex ScpPattern();
}
