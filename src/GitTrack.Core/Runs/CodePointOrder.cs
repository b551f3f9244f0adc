namespace GitTrack.Core.Runs;

/// <summary>
/// Orders strings by Unicode code point, which is the order of their UTF-8 bytes and the order Python's
/// <c>sorted()</c> gives: what docs/format.md means by "byte order". .NET's ordinal comparison orders UTF-16 code
/// units instead, which puts characters above U+FFFF (emoji, rare CJK) before U+E000..U+FFFF; this fixes that.
/// </summary>
public sealed class CodePointOrder : IComparer<string>
{
    public static CodePointOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
                return Rank(a) - Rank(b);
        }
        return x.Length - y.Length;
    }

    // Surrogates (D800-DFFF) stand for code points above FFFF: move them above E000-FFFF, keep the rest in place.
    private static int Rank(char c) => c >= 0xD800 && c <= 0xDFFF ? c + 0x2000 : c >= 0xE000 ? c - 0x800 : c;
}
