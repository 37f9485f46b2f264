using System.Text.Json;
using Kiln.Runtime.Linux.Containers;
using Kiln.Runtime.Linux.Spec;

namespace Kiln.Runtime.Linux.Tests;

/// <summary>
/// What kiln tells the runtime about cgroups (config.json on a cgroup v2 host, where the runtime applies the limits),
/// where it finds its own v1 cgroups, and its default pids limit.
/// </summary>
public sealed class CgroupSpecTests
{
    [Fact]
    public void A_step_without_limits_has_no_cgroups_path_and_no_resources()
    {
        using var json = Serialize(new SandboxSpec { RootPath = "/r", Args = ["true"] });

        var linux = json.RootElement.GetProperty("linux");
        Assert.False(linux.TryGetProperty("resources", out _));
        Assert.False(linux.TryGetProperty("cgroupsPath", out _));
    }

    [Fact]
    public void On_cgroup_v2_the_limits_go_to_the_runtime_in_the_spec_under_kiln_s_cgroup()
    {
        var limits = new ResourceLimits
        {
            Memory = 64 << 20,
            MemorySwap = -1,
            CpuShares = 512,
            CpuPeriod = 100_000,
            CpuQuota = 150_000,
            CpusetCpus = "0-1",
            CpusetMems = "0",
            Pids = 4915,
            PidsIsDefault = true,
        };

        using var json = Serialize(new SandboxSpec { RootPath = "/r", Args = ["true"], Resources = limits, CgroupsPath = "/kiln/kiln-0123abcd-0123456789abcdef-1/run" });

        var linux = json.RootElement.GetProperty("linux");
        Assert.Equal("/kiln/kiln-0123abcd-0123456789abcdef-1/run", linux.GetProperty("cgroupsPath").GetString());
        var resources = linux.GetProperty("resources");
        Assert.Equal(
            """{"memory":{"limit":67108864,"swap":-1},"cpu":{"shares":512,"quota":150000,"period":100000,"cpus":"0-1","mems":"0"},"pids":{"limit":4915}}""",
            JsonSerializer.Serialize(resources));
    }

    [Fact]
    public void Only_what_is_set_is_written_and_a_privileged_run_keeps_its_device_rules()
    {
        using var json = Serialize(new SandboxSpec { RootPath = "/r", Args = ["true"], Privileged = true, Resources = new ResourceLimits { Pids = 100 }, CgroupsPath = "/kiln/x/run" });

        var resources = json.RootElement.GetProperty("linux").GetProperty("resources");
        Assert.Equal("""{"devices":[{"allow":true,"access":"rwm"}],"pids":{"limit":100}}""", JsonSerializer.Serialize(resources));
    }

    [Fact]
    public void Kiln_s_own_v1_cgroup_is_found_under_the_hierarchy_that_has_the_controller()
    {
        string[] mountInfo =
        [
            "25 30 0:22 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755",
            "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw",
            "28 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct",
            "29 25 0:26 / /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids",
            "30 25 0:27 /docker/abc /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
        ];
        string[] procCgroup = ["5:pids:/user.slice/user-0.slice", "4:memory:/docker/abc/inner", "3:cpu,cpuacct:/", "0::/user.slice"];

        Assert.Equal("/sys/fs/cgroup/pids/user.slice/user-0.slice", HostCgroups.V1Directory(mountInfo, procCgroup, "pids"));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", HostCgroups.V1Directory(mountInfo, procCgroup, "cpu"));

        // A hierarchy mounted from a cgroup of its own (a container's view) shows that cgroup as its root.
        Assert.Equal("/sys/fs/cgroup/memory/inner", HostCgroups.V1Directory(mountInfo, procCgroup, "memory"));
        Assert.Null(HostCgroups.V1Directory(mountInfo, procCgroup, "cpuset"));
    }

    [Theory]
    [InlineData(32768L, 192735L, 4915L)]
    [InlineData(4194304L, 6191869L, 629145L)]
    [InlineData(4194304L, 60000L, 9000L)]
    [InlineData(null, 100000L, 15000L)]
    [InlineData(null, null, null)]
    public void The_default_pids_limit_is_15_percent_of_the_host_s_tasks(long? pidMax, long? threadsMax, long? expected)
    {
        Assert.Equal(expected, ProcessLimits.DefaultPidsFor(pidMax, threadsMax));
    }

    private static JsonDocument Serialize(SandboxSpec sandbox) => JsonDocument.Parse(RuntimeSpec.Serialize(RuntimeSpec.Create(sandbox)));
}
