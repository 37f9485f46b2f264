namespace Kiln.Registry.Tests.Infrastructure;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Create();

    public static string Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kiln-registry-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => Delete(Path);

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
