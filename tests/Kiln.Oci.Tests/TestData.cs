using System.Runtime.CompilerServices;

namespace Kiln.Oci.Tests;

/// <summary>The hand-written documents in TestData/, read from the source tree (no copy step needed).</summary>
internal static class TestData
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder(), "TestData", name));

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
