using System.Text;

namespace Kiln.Cli.Rendering;

/// <summary>
/// Columns laid out as docker's CLI lays them out (Go's text/tabwriter with minwidth 10, padding 3): every
/// column but the last is as wide as its widest cell plus 3, and at least 10.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private const int MinWidth = 10;
    private const int Padding = 3;
    private readonly List<string[]> _rows = [headers];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row needs {headers.Length} cells", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteTo(TextWriter output)
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows)
        {
            for (var column = 0; column < row.Length - 1; column++)
            {
                widths[column] = Math.Max(widths[column], Math.Max(MinWidth, row[column].Length + Padding));
            }
        }

        var line = new StringBuilder();
        foreach (var row in _rows)
        {
            line.Clear();
            for (var column = 0; column < row.Length - 1; column++)
            {
                line.Append(row[column].PadRight(widths[column]));
            }

            line.Append(row[^1]);
            output.Write(line.Append('\n'));
        }
    }
}
