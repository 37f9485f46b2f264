namespace Kiln.Build.Ports;

/// <summary>One <c>--add-host</c> entry: a line <c>IP\tHOST</c> appended to each RUN's /etc/hosts, as BuildKit does.</summary>
public sealed record ExtraHost(string Host, string Address)
{
    public override string ToString() => $"{Address}\t{Host}";
}
