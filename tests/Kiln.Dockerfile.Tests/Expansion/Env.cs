using System.Collections.Immutable;
using Kiln.Dockerfile.Expansion;

namespace Kiln.Dockerfile.Tests.Expansion;

/// <summary>Builds test environments from <c>NAME=VALUE</c> entries.</summary>
internal static class Env
{
    public static readonly ImmutableDictionary<string, string> Empty = EnvironmentEntries.Parse([]);

    public static ImmutableDictionary<string, string> Of(params string[] entries) => EnvironmentEntries.Parse(entries);

    public static WordExpansion Word(string input, params string[] entries) =>
        new ShellWordExpander().ExpandWord(input, Of(entries));

    public static string Value(string input, params string[] entries)
    {
        var result = Word(input, entries);
        Assert.True(result.Succeeded, $"{input}: {result.Error}");
        return result.Value!;
    }

    public static string ErrorCode(string input, params string[] entries)
    {
        var result = Word(input, entries);
        Assert.False(result.Succeeded, $"{input}: expected an error, got \"{result.Value}\"");
        Assert.Null(result.Value);
        Assert.False(string.IsNullOrEmpty(result.Error));
        return result.ErrorCode!;
    }
}
