using System.Globalization;
using System.Text;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Query.Internal;

/// <summary>
/// Splits a query into tokens. A word is any run of characters other than white space, quotes, parentheses, commas
/// and the operator characters <c>= ! &lt; &gt; ~</c>: so <c>params.lr</c>, <c>-7d</c>, <c>2026-11-01T12:00</c>,
/// <c>feature/x</c> and <c>resnet*</c> are single words. Strings are single- or double-quoted with backslash escapes.
/// </summary>
internal sealed class QueryLexer
{
    private static readonly string[] Operators = ["=", "==", "!=", "<", "<=", ">", ">=", "~", "!~"];

    private readonly string _text;
    private readonly string _what;

    public QueryLexer(string text, string what)
    {
        _text = text;
        _what = what;
    }

    public static bool IsWordChar(char c) =>
        !char.IsWhiteSpace(c) && c is not ('"' or '\'' or '(' or ')' or ',' or '=' or '!' or '<' or '>' or '~');

    private static bool IsOperatorChar(char c) => c is '=' or '!' or '<' or '>' or '~';

    public List<QueryToken> Tokenize()
    {
        var tokens = new List<QueryToken>();
        int i = 0;
        while (true)
        {
            while (i < _text.Length && char.IsWhiteSpace(_text[i]))
                i++;
            if (i >= _text.Length)
            {
                tokens.Add(new QueryToken(TokenKind.End, _text.Length, _text.Length, ""));
                return tokens;
            }
            char c = _text[i];
            int start = i;
            switch (c)
            {
                case '(':
                    tokens.Add(new QueryToken(TokenKind.OpenParen, i, ++i, "("));
                    break;
                case ')':
                    tokens.Add(new QueryToken(TokenKind.CloseParen, i, ++i, ")"));
                    break;
                case ',':
                    tokens.Add(new QueryToken(TokenKind.Comma, i, ++i, ","));
                    break;
                case '"' or '\'':
                    tokens.Add(ReadString(ref i));
                    break;
                default:
                    if (IsOperatorChar(c))
                    {
                        while (i < _text.Length && IsOperatorChar(_text[i]))
                            i++;
                        var op = _text[start..i];
                        if (Array.IndexOf(Operators, op) < 0)
                            throw Error($"unknown operator '{op}'", start, OperatorHint(op));
                        tokens.Add(new QueryToken(TokenKind.Operator, start, i, op == "==" ? "=" : op));
                    }
                    else
                    {
                        while (i < _text.Length && IsWordChar(_text[i]))
                            i++;
                        tokens.Add(new QueryToken(TokenKind.Word, start, i, _text[start..i]));
                    }
                    break;
            }
        }
    }

    private static string OperatorHint(string op) => op switch
    {
        "!" => "write 'not' before a condition, or use != or !~",
        "=>" or "=<" => "did you mean >= or <=?",
        "<>" => "use != for 'not equal'",
        "=~" => "use ~ to match a pattern",
        _ => "operators are = != < <= > >= ~ !~",
    };

    private QueryToken ReadString(ref int i)
    {
        char quote = _text[i];
        int start = i++;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= _text.Length)
                throw Error("unterminated string", start, $"close it with {quote}");
            char c = _text[i];
            if (c == quote)
            {
                i++;
                return new QueryToken(TokenKind.String, start, i, sb.ToString());
            }
            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (i + 1 >= _text.Length)
                throw Error("unterminated string", start, $"close it with {quote}");
            char e = _text[i + 1];
            switch (e)
            {
                case '\\': sb.Append('\\'); i += 2; break;
                case '"': sb.Append('"'); i += 2; break;
                case '\'': sb.Append('\''); i += 2; break;
                case 'n': sb.Append('\n'); i += 2; break;
                case 't': sb.Append('\t'); i += 2; break;
                case 'r': sb.Append('\r'); i += 2; break;
                case 'u':
                    if (i + 6 > _text.Length
                        || !int.TryParse(_text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        throw Error("bad escape '\\u' (expected four hex digits)", i, "write \\u00e9 for é");
                    sb.Append((char)code);
                    i += 6;
                    break;
                default:
                    throw Error($"unknown escape '\\{e}' in a string", i, "escapes are \\\\ \\\" \\' \\n \\t \\r \\uXXXX");
            }
        }
    }

    private QuerySyntaxException Error(string problem, int position, string? hint) => new(_what, problem, _text, position, hint);
}
