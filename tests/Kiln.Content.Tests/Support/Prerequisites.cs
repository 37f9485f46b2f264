namespace Kiln.Content.Tests.Support;

/// <summary>
/// What a test needs from the machine. scripts/setup installs every tool the tests run, and the suite runs as root in
/// CI and here, so a missing prerequisite FAILS the test with a hint: a test that returns early passes without
/// testing anything.
/// </summary>
internal static class Prerequisites
{
    /// <summary>The full path of <paramref name="name"/>; fails the test when it is not installed.</summary>
    public static string RequireTool(string name)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Append("/sbin");
        foreach (var directory in directories)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        Assert.Fail($"the tool \"{name}\" is required for this test and is not installed: run scripts/setup (or install the Debian package that has it)");
        return name;
    }

    /// <summary>Fails the test unless it runs as root (ownership, devices, trusted.* xattrs, capabilities).</summary>
    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Fail("this test needs root (the suite runs as root in CI): run it with sudo");
        }
    }
}
