namespace Kiln.Cli.Tests.Registry;

/// <summary>
/// The registry command tests point <c>DOCKER_CONFIG</c> (process-wide) at a temp directory and may feed standard
/// input, so they run one at a time, next to each other and to nothing else that reads either.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegistryCommandsGroup : ICollectionFixture<PlainRegistry>
{
    public const string Name = "registry commands";
}
