using System.Text;

namespace GitTrack.Cli.Watch;

/// <summary>
/// Makes recorded text (a run's log, names and metric names from a branch anyone may have pushed) safe to put on a
/// terminal: no escape sequence or control character reaches it. A log line shows what a terminal would have
/// left on screen: the text after its last carriage return (progress bars), tabs as spaces, colour codes removed.
/// </summary>
internal static class TerminalText
{
    /// <summary>One line of text with every control character (C0, DEL, C1) replaced by <c>?</c>.</summary>
    public static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c);
        return builder.ToString();
    }

    /// <summary>
    /// How many terminal columns <paramref name="text"/> takes: 2 for East Asian wide and fullwidth characters and
    /// for characters outside the basic plane (emoji), 0 for combining marks, 1 otherwise.
    /// </summary>
    public static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
            width += Width(rune);
        return width;
    }

    /// <summary><paramref name="text"/> cut to at most <paramref name="columns"/> terminal columns.</summary>
    public static string Crop(string text, int columns)
    {
        if (text.Length <= columns && text.All(c => c < '̀'))
            return text;
        var builder = new StringBuilder();
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var w = Width(rune);
            if (width + w > columns)
                break;
            builder.Append(rune.ToString());
            width += w;
        }
        return builder.ToString();
    }

    private static int Width(Rune rune)
    {
        var c = rune.Value;
        var category = Rune.GetUnicodeCategory(rune);
        if (category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark
            or System.Globalization.UnicodeCategory.Format)
            return 0;
        if (c >= 0x10000)
            return 2;
        return c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0x303E or >= 0x3041 and <= 0x33FF or >= 0x3400 and <= 0x4DBF
            or >= 0x4E00 and <= 0x9FFF or >= 0xA000 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 ? 2 : 1;
    }

    /// <summary>The last <paramref name="count"/> lines of a log as they would show, cleaned (see the type).</summary>
    public static List<string> LogLines(string log, int count)
    {
        var lines = log.Split('\n');
        var end = lines.Length;
        if (end > 0 && lines[end - 1].Length == 0)
            end--; // the newline that ends the last line starts no new one
        var result = new List<string>();
        for (var i = Math.Max(0, end - count); i < end; i++)
            result.Add(LogLine(lines[i]));
        return result;
    }

    private static string LogLine(string line)
    {
        line = line.TrimEnd('\r');
        var cr = line.LastIndexOf('\r');
        if (cr >= 0)
            line = line[(cr + 1)..];
        var builder = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\u001b')
            {
                i = SkipEscape(line, i);
                continue;
            }
            if (c == '\t')
                builder.Append(' ', 8 - builder.Length % 8);
            else if (char.IsControl(c) || c is '\u2028' or '\u2029')
                continue;
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>The index of the last character of the escape sequence starting at <paramref name="start"/> (CSI, OSC or two-character).</summary>
    private static int SkipEscape(string line, int start)
    {
        if (start + 1 >= line.Length)
            return start;
        var kind = line[start + 1];
        if (kind == '[')
        {
            // CSI: parameters and intermediates, then one final byte in @..~.
            for (var i = start + 2; i < line.Length; i++)
                if (line[i] is >= '@' and <= '~')
                    return i;
            return line.Length - 1;
        }
        if (kind == ']')
        {
            // OSC: up to BEL or ESC \.
            for (var i = start + 2; i < line.Length; i++)
            {
                if (line[i] == '\u0007')
                    return i;
                if (line[i] == '\u001b' && i + 1 < line.Length && line[i + 1] == '\\')
                    return i + 1;
            }
            return line.Length - 1;
        }
        return start + 1;
    }
}
