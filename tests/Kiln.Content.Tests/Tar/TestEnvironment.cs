using System.Diagnostics;

namespace Kiln.Content.Tests.Tar;

/// <summary>
/// Real tools and root for the interop tests. xunit 2 cannot skip at run time, so a test without its
/// prerequisite returns early on a laptop; under CI=true a missing prerequisite fails the test instead.
/// </summary>
internal static class TestEnvironment
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    /// <summary>True when the test may go on; false to return early (never under CI).</summary>
    public static bool Require(bool available, string what)
    {
        if (available)
        {
            return true;
        }

        return IsCi ? throw new InvalidOperationException($"CI=true and {what} is missing: this test must not be skipped") : false;
    }

    public static bool RequireRoot() => Require(IsRoot, "root");

    public static bool RequireTool(string name) => Require(FindTool(name) is not null, $"the tool '{name}'");

    public static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a tool, returns its standard output, throws with its standard error when it fails.</summary>
    public static string Run(string tool, params string[] arguments) => RunBytes(tool, arguments).Output;

    public static (string Output, byte[] Bytes) RunBytes(string tool, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(FindTool(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {error.Result}");
        }

        var bytes = output.ToArray();
        return (System.Text.Encoding.UTF8.GetString(bytes), bytes);
    }
}
