using GitTrack.Core.Errors;

namespace GitTrack.Core.Query.Internal;

/// <summary>
/// Parses comma-separated field paths: sort keys (<c>metrics.val_accuracy,-params.lr</c>, <c>params.lr:desc</c>) and
/// column lists (<c>id,name,params.*</c>).
/// </summary>
internal sealed class FieldListParser(string text, string what)
{
    private readonly List<QueryToken> _tokens = new QueryLexer(text, what).Tokenize();

    public FieldPath ParseSingle(bool allowWildcard)
    {
        int i = 0;
        var path = FieldReader.Read(_tokens, ref i, text, what, allowWildcard);
        if (_tokens[i].Kind != TokenKind.End)
            throw new QuerySyntaxException(what, $"unexpected {_tokens[i].Describe(text)}", text, _tokens[i].Start);
        return path;
    }

    public List<(FieldPath Field, bool Descending)> ParseList(bool allowWildcard, bool allowDirection)
    {
        var items = new List<(FieldPath, bool)>();
        int i = 0;
        while (true)
        {
            bool descending = false;
            if (allowDirection)
                descending = TakeDirection(i);
            items.Add((FieldReader.Read(_tokens, ref i, text, what, allowWildcard), descending));
            var next = _tokens[i];
            if (next.Kind == TokenKind.End)
                return items;
            if (next.Kind != TokenKind.Comma)
                throw new QuerySyntaxException(what, $"unexpected {next.Describe(text)}", text, next.Start,
                    allowDirection ? "separate keys with commas; -KEY or KEY:desc sorts descending" : "separate fields with commas");
            i++;
        }
    }

    /// <summary>Strips a leading <c>-</c>/<c>+</c> or a trailing <c>:desc</c>/<c>:asc</c> from the item at <paramref name="i"/>; true for descending.</summary>
    private bool TakeDirection(int i)
    {
        bool descending = false;
        var first = _tokens[i];
        if (first.Kind == TokenKind.End)
            return false;
        if (first.Kind == TokenKind.Word && first.Text.Length > 1 && first.Text[0] is '-' or '+')
        {
            descending = first.Text[0] == '-';
            _tokens[i] = first with { Start = first.Start + 1, Text = first.Text[1..] };
        }
        int last = i;
        while (_tokens[last].Kind != TokenKind.End && _tokens[last + 1].Start == _tokens[last].End && _tokens[last + 1].Kind is TokenKind.Word or TokenKind.String)
            last++;
        var tail = _tokens[last];
        if (tail.Kind == TokenKind.Word)
        {
            foreach (var (suffix, desc) in new[] { (":desc", true), (":asc", false) })
            {
                if (tail.Text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && (tail.Text.Length > suffix.Length || last > i))
                {
                    if (first.Kind == TokenKind.Word && first.Text[0] is '-' or '+' && first.Text.Length > 1)
                        throw new QuerySyntaxException(what, "a sort key has either a leading - or a :desc/:asc suffix, not both",
                            text, tail.End - suffix.Length);
                    descending = desc;
                    _tokens[last] = tail with { End = tail.End - suffix.Length, Text = tail.Text[..^suffix.Length] };
                    break;
                }
            }
        }
        return descending;
    }
}
