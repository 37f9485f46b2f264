namespace Kiln.Cli.Tests;

/// <summary>
/// Compares output with a file in <c>Golden/</c>. <c>KILN_UPDATE_GOLDEN=1</c> rewrites the file instead,
/// for a reviewed change of output; a missing golden file is a failure, never silently created.
/// </summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual)
    {
        var path = Repository.PathOf("tests", "Kiln.Cli.Tests", "Golden", name);
        if (Environment.GetEnvironmentVariable("KILN_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with KILN_UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
