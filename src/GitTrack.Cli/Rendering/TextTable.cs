namespace GitTrack.Cli.Rendering;

/// <summary>
/// A table of text cells printed with aligned columns (left for text, right for numbers). On a terminal the header
/// is bold unless NO_COLOR is set; otherwise the output is plain text, the same columns without escape codes.
/// </summary>
public sealed class TextTable(IReadOnlyList<string> headers)
{
    private readonly List<string[]> _rows = [];
    private readonly bool[] _rightAligned = new bool[headers.Count];

    public int RowCount => _rows.Count;

    /// <summary>Aligns column <paramref name="index"/> to the right (numbers, durations).</summary>
    public TextTable AlignRight(int index)
    {
        _rightAligned[index] = true;
        return this;
    }

    public void Add(IReadOnlyList<string> cells)
    {
        if (cells.Count != headers.Count)
            throw new ArgumentException($"a row has {cells.Count} cells, the table {headers.Count} columns", nameof(cells));
        _rows.Add(cells.Select(c => c.ReplaceLineEndings(" ")).ToArray());
    }

    public void Write(TextWriter output, bool color)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var header = Line(headers.ToArray(), widths);
        output.WriteLine(color ? $"\u001b[1m{header}\u001b[0m" : header);
        foreach (var row in _rows)
            output.WriteLine(Line(row, widths));
    }

    private string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => _rightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
}
