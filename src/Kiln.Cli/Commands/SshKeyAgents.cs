using System.Collections.Immutable;

namespace Kiln.Cli.Commands;

/// <summary>The build's own agents for <c>--ssh ID=KEY...</c>, one per id; disposing stops them all.</summary>
internal sealed class SshKeyAgents : IDisposable
{
    private readonly List<SshKeyAgent> _agents = [];

    /// <summary>Each agent's socket by id, to hand to the build like a given agent's.</summary>
    public ImmutableDictionary<string, string> Sockets { get; private set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Starts an agent per id; throws <see cref="InvalidOperationException"/> (after stopping those started) when one fails.</summary>
    public static SshKeyAgents Start(ImmutableDictionary<string, ImmutableArray<string>> keyFiles)
    {
        var agents = new SshKeyAgents();
        try
        {
            foreach (var (id, keys) in keyFiles)
            {
                var agent = SshKeyAgent.Start(keys);
                agents._agents.Add(agent);
                agents.Sockets = agents.Sockets.Add(id, agent.SocketPath);
            }

            return agents;
        }
        catch
        {
            agents.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }

        _agents.Clear();
    }
}
