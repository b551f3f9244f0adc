using System.Text;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// A table of text cells printed with aligned columns (left for text, right for numbers). On a terminal the header
/// is bold unless NO_COLOR is set; otherwise the output is plain text, the same columns without escape codes. Headers
/// and cells (run names, param keys, metric names: data from the runs branch) go through <see cref="TerminalText.Escape"/>.
/// </summary>
public sealed class TextTable(IReadOnlyList<string> columns)
{
    private readonly string[] _headers = columns.Select(TerminalText.Escape).ToArray();
    private readonly List<string[]> _rows = [];
    private readonly bool[] _rightAligned = new bool[columns.Count];

    public int RowCount => _rows.Count;

    public IReadOnlyList<string> Headers => _headers;

    /// <summary>The cells of row <paramref name="index"/>, as added.</summary>
    public IReadOnlyList<string> Row(int index) => _rows[index];

    /// <summary>Aligns column <paramref name="index"/> to the right (numbers, durations).</summary>
    public TextTable AlignRight(int index)
    {
        _rightAligned[index] = true;
        return this;
    }

    public void Add(IReadOnlyList<string> cells)
    {
        if (cells.Count != _headers.Length)
            throw new ArgumentException($"a row has {cells.Count} cells, the table {_headers.Length} columns", nameof(cells));
        _rows.Add(cells.Select(TerminalText.Escape).ToArray());
    }

    public void Write(TextWriter output, bool color)
    {
        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        // One write for the whole table: the console flushes every write, and 10,000 rows are 10,000 system calls.
        var text = new StringBuilder(widths.Sum() * (_rows.Count + 1) + 64);
        if (color)
            text.Append("\u001b[1m");
        Line(text, _headers, widths);
        if (color)
            text.Insert(text.Length - 1, "\u001b[0m");
        foreach (var row in _rows)
            Line(text, row, widths);
        output.Write(text.ToString());
    }

    private void Line(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        var start = text.Length;
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
                text.Append("  ");
            var pad = widths[i] - cells[i].Length;
            if (_rightAligned[i])
                text.Append(' ', pad).Append(cells[i]);
            else
                text.Append(cells[i]).Append(' ', pad);
        }
        var end = text.Length;
        while (end > start && text[end - 1] == ' ')
            end--;
        text.Length = end;
        text.Append('\n');
    }
}
