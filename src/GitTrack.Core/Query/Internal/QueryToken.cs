namespace GitTrack.Core.Query.Internal;

internal enum TokenKind
{
    End,
    Word,
    String,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
}

/// <summary>One token of a query: where it starts and ends in the text (end exclusive) and its text
/// (a word as written, a string without its quotes and with escapes applied, an operator as written).</summary>
internal readonly record struct QueryToken(TokenKind Kind, int Start, int End, string Text)
{
    public bool IsWord(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>How an error message shows the token.</summary>
    public string Describe(string source) => Kind switch
    {
        TokenKind.End => "the end",
        _ => $"'{source[Start..End]}'",
    };
}
