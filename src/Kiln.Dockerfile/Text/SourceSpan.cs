namespace Kiln.Dockerfile.Text;

/// <summary>
/// A range of a Dockerfile, 1-based lines and columns, end inclusive for lines and exclusive for columns.
/// Column 0 means "the whole line" (BuildKit only tracks lines; we track columns where we know them).
/// </summary>
public readonly record struct SourceSpan(int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static SourceSpan None => default;

    public static SourceSpan Lines(int startLine, int endLine) => new(startLine, 0, endLine, 0);

    public bool IsNone => StartLine == 0;

    public override string ToString() =>
        StartColumn > 0 ? $"{StartLine}:{StartColumn}" : StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
