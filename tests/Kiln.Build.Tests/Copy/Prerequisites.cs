namespace Kiln.Build.Tests.Copy;

/// <summary>
/// xunit 2 cannot skip at run time: a test whose prerequisite is missing returns early on a laptop, but under
/// CI=true a missing prerequisite fails the test instead of passing silently.
/// </summary>
internal static class Prerequisites
{
    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool Root()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return true;
        }

        Assert.False(InCi, "this test needs root (CI runs as root)");
        return false;
    }

    public static bool Tool(string name)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Join(d, name)));
        if (found)
        {
            return true;
        }

        Assert.False(InCi, $"this test needs '{name}' installed");
        return false;
    }

    public static void Run(string tool, string workingDirectory, params string[] arguments) => Tools.RunBytes(tool, arguments, workingDirectory);
}
