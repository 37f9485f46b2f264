using System.Runtime.CompilerServices;

namespace Kiln.Dockerfile.Tests.Stages;

/// <summary>
/// The regression corpus of hostile Dockerfiles (TestData/Hostile, issue 13: expansion bombs, pattern and budget
/// exhaustion, deep nesting, and what fuzzing the parser and binder found): each loads without an exception and
/// fails with the first error its <c>.expected</c> file names, as "CODE LINE".
/// </summary>
public sealed class HostileCorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder(), "*.Dockerfile").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loads_to_the_expected_first_error(string name)
    {
        var text = File.ReadAllText(Path.Combine(Folder(), name + ".Dockerfile"));
        var expected = File.ReadAllText(Path.Combine(Folder(), name + ".expected")).Trim();

        var result = Bind.Text(text);

        var error = result.Diagnostics.FirstOrDefault(d => d.IsError);
        Assert.True(error is not null, "expected an error");
        Assert.Equal(expected, $"{error.Code} {error.Span.StartLine}");
    }

    private static string Folder([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "TestData", "Hostile");
}
