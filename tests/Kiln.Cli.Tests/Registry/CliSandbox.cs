namespace Kiln.Cli.Tests.Registry;

/// <summary>Temp store roots and a temp <c>DOCKER_CONFIG</c> for one test; the variable is restored on dispose.</summary>
internal sealed class CliSandbox : IDisposable
{
    private readonly string? _previousDockerConfig = Environment.GetEnvironmentVariable("DOCKER_CONFIG");

    public CliSandbox()
    {
        Path = Directory.CreateTempSubdirectory("kiln-cli-registry-test-").FullName;
        DockerConfig = System.IO.Path.Combine(Path, "docker");
        Directory.CreateDirectory(DockerConfig);
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", DockerConfig);
    }

    public string Path { get; }

    public string DockerConfig { get; }

    public string ConfigJson => System.IO.Path.Combine(DockerConfig, "config.json");

    public string Root(string name = "root") => System.IO.Path.Combine(Path, name);

    /// <summary>kiln in-process with <c>--root</c> set to <see cref="Root"/>(<paramref name="root"/>).</summary>
    public CliRun Run(string root, params string[] args) => CliRun.Of([.. args, "--root", Root(root)]);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DOCKER_CONFIG", _previousDockerConfig);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
