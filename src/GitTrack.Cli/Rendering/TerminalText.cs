using System.Globalization;
using System.Text;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// Makes text read from a run safe to print to a terminal. A run's name, tags, params, metric names and note may
/// come from someone else's push, and a raw ESC, CR or bidi override in them can recolour the screen, rewrite what
/// was printed before, hide a line or make text read backwards. Every renderer passes what it prints through
/// <see cref="Escape"/> (the table, the show, diff and compare writers, errors and warnings): whatever prints the
/// text (our own tables, or a library's) must call it. JSON and CSV output are data and stay exact (JSON escapes
/// control characters itself).
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with each character a terminal would act on written as an escape, as git writes
    /// unusual bytes in paths: <c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\e</c> (ESC), other C0 controls and DEL as
    /// <c>\xHH</c>, C1 controls, bidirectional controls (U+061C, U+200E/F, U+202A to U+202E, U+2066 to U+2069) and line or
    /// paragraph separators as <c>\uHHHH</c>. A backslash is kept as it is; text with nothing to escape is returned
    /// unchanged (the same instance).
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        var first = IndexOfUnsafe(text);
        if (first < 0)
            return text;
        var result = new StringBuilder(text.Length + 16);
        result.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c))
            {
                result.Append(c);
                continue;
            }
            result.Append(c switch
            {
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                '\u001b' => "\\e",
                < '\u0020' or '\u007f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
        }
        return result.ToString();
    }

    /// <summary>Whether printing <paramref name="c"/> raw could make a terminal do something other than show a character.</summary>
    public static bool IsUnsafe(char c) =>
        c < '\u0020' || c is >= '\u007f' and <= '\u009f'
        || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069')
        || c is '\u2028' or '\u2029';

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (IsUnsafe(text[i]))
                return i;
        return -1;
    }
}
