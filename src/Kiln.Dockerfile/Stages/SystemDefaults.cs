namespace Kiln.Dockerfile.Stages;

/// <summary>What BuildKit puts into every Linux stage that its base does not set.</summary>
public static class SystemDefaults
{
    /// <summary>
    /// BuildKit's <c>system.DefaultPathEnv</c> for Linux: a stage whose base image (or scratch) has no PATH gets this one,
    /// in its config and in the environment its instructions expand against ("make sure that PATH is always set").
    /// </summary>
    public const string Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
