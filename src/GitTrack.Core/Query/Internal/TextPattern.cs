namespace GitTrack.Core.Query.Internal;

/// <summary>
/// The right side of <c>~</c>: a glob when it has <c>*</c> (any characters) or <c>?</c> (one character), matched against
/// the whole text; otherwise a substring. Both ignore case.
/// </summary>
internal sealed class TextPattern
{
    private readonly string _pattern;
    private readonly bool _glob;

    public TextPattern(string pattern)
    {
        _pattern = pattern;
        _glob = pattern.Contains('*') || pattern.Contains('?');
    }

    public bool IsMatch(string text) =>
        _glob ? GlobMatch(text, _pattern) : text.Contains(_pattern, StringComparison.OrdinalIgnoreCase);

    private static bool GlobMatch(string text, string pattern)
    {
        // Greedy with one backtrack point: on a mismatch, let the last '*' swallow one more character. Linear in practice,
        // O(text * pattern) at worst; no recursion, so no pattern can blow the stack.
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
                return false;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    private static bool SameChar(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
