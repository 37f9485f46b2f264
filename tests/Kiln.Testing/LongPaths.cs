namespace Kiln.Testing;

/// <summary>
/// Trees deeper than PATH_MAX (4096 bytes) for tests, made and read the way a RUN step makes them: busybox's shell
/// walks down with relative <c>mkdir</c> and <c>cd -P</c>, which no absolute path limits (.NET's file APIs, and
/// GNU coreutils given a whole path, stop at PATH_MAX). Needs Debian's busybox-static, which every test machine has.
/// </summary>
public static class LongPaths
{
    /// <summary>The relative path of <paramref name="depth"/> directories named <paramref name="component"/>.</summary>
    public static string Chain(string component, int depth) => string.Join('/', Enumerable.Repeat(component, depth));

    /// <summary>
    /// Makes <c>directory/Chain(component, depth)</c> with a file <c>file</c> holding <paramref name="content"/> at
    /// the bottom and, when asked, a symlink <c>link</c> there to <paramref name="linkTarget"/> and a hard link
    /// <c>hard</c> to the file; returns the file's path relative to <paramref name="directory"/>.
    /// </summary>
    public static string Create(string directory, string component, int depth, string content, string? linkTarget = null, bool hardLink = false)
    {
        Shell(
            """
            set -e
            cd -P -- "$1"
            i=0
            while [ "$i" -lt "$3" ]; do mkdir -p -- "$2"; cd -P -- "$2"; i=$((i+1)); done
            printf %s "$4" > file
            if [ -n "$5" ]; then ln -s -- "$5" link; fi
            if [ -n "$6" ]; then ln file hard; fi
            """,
            directory,
            component,
            depth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            content,
            linkTarget ?? string.Empty,
            hardLink ? "yes" : string.Empty);
        return Chain(component, depth) + "/file";
    }

    /// <summary>The content of the file at <paramref name="relative"/> (any length) under <paramref name="directory"/>.</summary>
    public static string Read(string directory, string relative)
    {
        var (parent, name) = Split(relative);
        return Shell("cd -P -- \"$1\" && for c in $(echo \"$2\" | tr / ' '); do cd -P -- \"$c\"; done && cat -- \"$3\"", directory, parent, name);
    }

    /// <summary>The target of the symlink at <paramref name="relative"/> under <paramref name="directory"/>.</summary>
    public static string ReadLink(string directory, string relative)
    {
        var (parent, name) = Split(relative);
        return Shell("cd -P -- \"$1\" && for c in $(echo \"$2\" | tr / ' '); do cd -P -- \"$c\"; done && readlink -- \"$3\"", directory, parent, name).TrimEnd('\n');
    }

    /// <summary>Whether anything is at <paramref name="relative"/> (not following a final symlink).</summary>
    public static bool Exists(string directory, string relative)
    {
        var (parent, name) = Split(relative);
        return Shell("cd -P -- \"$1\" 2>/dev/null && for c in $(echo \"$2\" | tr / ' '); do cd -P -- \"$c\" 2>/dev/null || exit 0; done; if [ -e \"$3\" ] || [ -L \"$3\" ]; then echo yes; fi", directory, parent, name) == "yes\n";
    }

    private static (string Parent, string Name) Split(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? (".", relative) : (relative[..slash], relative[(slash + 1)..]);
    }

    private static string Shell(string script, params string[] arguments)
    {
        var output = Tools.RunBytes(Tools.Require("/bin/busybox"), ["sh", "-c", script, "sh", .. arguments]);
        return System.Text.Encoding.UTF8.GetString(output);
    }
}
