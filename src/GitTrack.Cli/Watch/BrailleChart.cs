using GitTrack.Cli.Rendering;

namespace GitTrack.Cli.Watch;

/// <summary>
/// A line chart drawn with Braille characters (2 by 4 dots per cell) inside a box of text: the y axis on the left
/// with the highest, middle and lowest values, the x axis below with its first and last values and its name.
/// Consecutive points are joined, so a curve with more points than columns still reads as a line (its spread
/// shows as a vertical stroke). Non-finite values, and values at or below 0 on a log scale, are left out.
/// </summary>
internal static class BrailleChart
{
    private static readonly int[,] Dots = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } };

    /// <summary>Exactly <paramref name="height"/> lines of at most <paramref name="width"/> cells, or fewer when there is too little room.</summary>
    public static List<string> Render(IReadOnlyList<(double X, double Y)> points, int width, int height, bool logScale, string xName)
    {
        var usable = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!logScale || p.Y > 0))
            .Select(p => (p.X, Y: logScale ? Math.Log10(p.Y) : p.Y)).ToList();
        if (usable.Count == 0)
            return Blank(width, height, logScale && points.Count > 0 ? "no positive values for a log scale" : "no values yet");
        double yMin = usable.Min(p => p.Y), yMax = usable.Max(p => p.Y);
        double xMin = usable.Min(p => p.X), xMax = usable.Max(p => p.X);
        if (yMax == yMin)
        {
            // A flat line is drawn in the middle, with its value as both labels.
            var pad = Math.Abs(yMax) > 0 ? Math.Abs(yMax) * 0.01 : 1;
            yMin -= pad;
            yMax += pad;
        }
        string Label(double y) => Formats.Number(logScale ? Math.Pow(10, y) : y);
        var labels = new[] { Label(yMax), Label((yMax + yMin) / 2), Label(yMin) };
        var labelWidth = labels.Max(l => l.Length);
        var plotWidth = width - labelWidth - 2;
        var plotHeight = height - 2;
        if (plotWidth < 4 || plotHeight < 1)
            return Blank(width, height, "");

        int pixelsX = plotWidth * 2, pixelsY = plotHeight * 4;
        var cells = new int[plotHeight, plotWidth];
        void Set(int px, int py)
        {
            if (px < 0 || py < 0 || px >= pixelsX || py >= pixelsY)
                return;
            cells[py / 4, px / 2] |= Dots[py % 4, px % 2];
        }
        int ToX(double x) => xMax > xMin ? (int)Math.Round((x - xMin) / (xMax - xMin) * (pixelsX - 1)) : pixelsX / 2;
        int ToY(double y) => (int)Math.Round((yMax - y) / (yMax - yMin) * (pixelsY - 1));
        (int X, int Y)? previous = null;
        foreach (var (x, y) in usable)
        {
            var pixel = (X: ToX(x), Y: ToY(y));
            if (previous is { } from)
                Line(from.X, from.Y, pixel.X, pixel.Y, Set);
            else
                Set(pixel.X, pixel.Y);
            previous = pixel;
        }

        var lines = new List<string>(height);
        var middleRow = plotHeight / 2;
        for (var row = 0; row < plotHeight; row++)
        {
            string label = row == 0 ? labels[0] : row == plotHeight - 1 ? labels[2] : row == middleRow && plotHeight >= 5 ? labels[1] : "";
            var tick = label.Length > 0 ? '┤' : '│';
            var chars = new char[plotWidth];
            for (var column = 0; column < plotWidth; column++)
                chars[column] = cells[row, column] == 0 ? ' ' : (char)(0x2800 + cells[row, column]);
            lines.Add(label.PadLeft(labelWidth) + " " + tick + new string(chars).TrimEnd());
        }
        lines.Add(new string(' ', labelWidth + 1) + "└" + new string('─', plotWidth));
        var first = Formats.Number(xMin);
        var last = Formats.Number(xMax);
        var axis = new char[plotWidth + 1];
        Array.Fill(axis, ' ');
        Place(axis, first, 0);
        Place(axis, last, plotWidth + 1 - last.Length);
        if (first.Length + last.Length + xName.Length + 4 <= axis.Length)
            Place(axis, xName, (axis.Length - xName.Length) / 2);
        lines.Add(new string(' ', labelWidth + 1) + new string(axis).TrimEnd());
        return lines;
    }

    private static void Place(char[] line, string text, int at)
    {
        for (var i = 0; i < text.Length; i++)
            if (at + i >= 0 && at + i < line.Length)
                line[at + i] = text[i];
    }

    private static List<string> Blank(int width, int height, string message)
    {
        var lines = new List<string>();
        for (var i = 0; i < height; i++)
            lines.Add(i == height / 2 && message.Length > 0 ? new string(' ', Math.Max(0, (width - message.Length) / 2)) + message : "");
        return lines;
    }

    /// <summary>Bresenham's line from (x0, y0) to (x1, y1), both ends included.</summary>
    private static void Line(int x0, int y0, int x1, int y1, Action<int, int> set)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        while (true)
        {
            set(x0, y0);
            if (x0 == x1 && y0 == y1)
                return;
            var e2 = 2 * error;
            if (e2 >= dy)
            {
                error += dy;
                x0 += sx;
            }
            if (e2 <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }
}
