using GitTrack.Core.Errors;
using GitTrack.Core.Query.Internal;

namespace GitTrack.Core.Query;

/// <summary>
/// Parses a filter such as <c>params.lr &lt; 0.01 and source.branch = main and started &gt; -7d</c> into a
/// <see cref="QueryExpression"/>. The language is described in docs/query.md. Every problem is a
/// <see cref="QuerySyntaxException"/> that says where it is.
/// </summary>
public static class QueryParser
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> names it in errors (<c>bad filter: ...</c>).</summary>
    public static QueryExpression Parse(string text, string what = "filter")
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new QueryLexer(text, what).Tokenize();
        var state = new State(text, what, tokens);
        var expression = state.ParseOr();
        var next = state.Peek;
        if (next.Kind != TokenKind.End)
        {
            if (next.Kind == TokenKind.CloseParen)
                throw state.Error("unexpected ')' with no '(' before it", next.Start, "remove it or add the '(' it closes");
            string hint = next.Text switch
            {
                "&&" => "write 'and' to join conditions",
                "||" => "write 'or' to join conditions",
                _ => "join conditions with 'and' or 'or'; quote a value with spaces: name = \"my run\"",
            };
            throw state.Error($"unexpected {next.Describe(text)}", next.Start, hint);
        }
        return expression;
    }

    /// <summary>About 10,000 years: longer durations are certainly typos, and would overflow <see cref="TimeSpan"/>.</summary>
    private const double MaxDurationSeconds = 10_000.0 * 365 * 86400;

    private sealed class State(string text, string what, List<QueryToken> tokens)
    {
        private int _i;

        public QueryToken Peek => tokens[_i];

        public QuerySyntaxException Error(string problem, int position, string? hint = null) => new(what, problem, text, position, hint);

        public QueryExpression ParseOr()
        {
            var left = ParseAnd();
            while (Peek.IsWord("or"))
            {
                var op = tokens[_i++];
                var right = ParseAnd(op);
                left = new OrExpression(left, right) { Position = left.Position };
            }
            return left;
        }

        private QueryExpression ParseAnd(QueryToken? after = null)
        {
            var left = ParseUnary(after);
            while (Peek.IsWord("and"))
            {
                var op = tokens[_i++];
                var right = ParseUnary(op);
                left = new AndExpression(left, right) { Position = left.Position };
            }
            return left;
        }

        private QueryExpression ParseUnary(QueryToken? after)
        {
            var token = Peek;
            if (token.IsWord("not"))
            {
                _i++;
                var operand = ParseUnary(token);
                return new NotExpression(operand) { Position = token.Start };
            }
            return ParsePrimary(after);
        }

        private QueryExpression ParsePrimary(QueryToken? after)
        {
            var token = Peek;
            if (token.Kind == TokenKind.End || token.Kind == TokenKind.CloseParen || token.IsWord("and") || token.IsWord("or"))
            {
                var problem = after is { } a ? $"expected a condition after '{text[a.Start..a.End]}'" : "expected a condition";
                if (token.Kind != TokenKind.End)
                    problem += $", found {token.Describe(text)}";
                throw Error(problem, token.Start, "a condition is FIELD OPERATOR VALUE, e.g. params.lr < 0.01");
            }
            if (token.Kind == TokenKind.OpenParen)
            {
                _i++;
                var inner = ParseOr();
                if (Peek.Kind != TokenKind.CloseParen)
                {
                    var problem = Peek.Kind == TokenKind.End
                        ? $"expected ')' to close the '(' from column {token.Start + 1}"
                        : $"expected ')' to close the '(' from column {token.Start + 1}, found {Peek.Describe(text)}";
                    throw Error(problem, Peek.Start, "join conditions with 'and' or 'or'");
                }
                _i++;
                return inner with { Position = token.Start };
            }
            if (token.IsWord("exists") && tokens[_i + 1].Kind == TokenKind.OpenParen)
            {
                _i += 2;
                var field = FieldReader.Read(tokens, ref _i, text, what, allowWildcard: false);
                if (Peek.Kind != TokenKind.CloseParen)
                    throw Error($"expected ')' to close exists(, found {Peek.Describe(text)}", Peek.Start, "write exists(params.lr)");
                _i++;
                return new ExistsExpression(field) { Position = token.Start };
            }
            return ParseComparison();
        }

        private ComparisonExpression ParseComparison()
        {
            int fieldStart = Peek.Start;
            var field = FieldReader.Read(tokens, ref _i, text, what, allowWildcard: false);
            var fieldText = text[fieldStart..tokens[_i - 1].End];
            var opToken = Peek;
            if (opToken.Kind != TokenKind.Operator)
            {
                var problem = opToken.Kind == TokenKind.End
                    ? $"expected an operator after '{fieldText}'"
                    : $"expected an operator after '{fieldText}', found {opToken.Describe(text)}";
                throw Error(problem, opToken.Start, "operators are = != < <= > >= ~ !~; use exists(FIELD) to test for a field");
            }
            _i++;
            var op = opToken.Text switch
            {
                "=" => QueryOperator.Equal,
                "!=" => QueryOperator.NotEqual,
                "<" => QueryOperator.Less,
                "<=" => QueryOperator.LessOrEqual,
                ">" => QueryOperator.Greater,
                ">=" => QueryOperator.GreaterOrEqual,
                "~" => QueryOperator.Match,
                _ => QueryOperator.NotMatch,
            };
            var valueToken = Peek;
            bool keyword = valueToken.IsWord("and") || valueToken.IsWord("or") || valueToken.IsWord("not");
            if (valueToken.Kind is not (TokenKind.Word or TokenKind.String) || keyword)
            {
                var problem = valueToken.Kind == TokenKind.End
                    ? $"expected a value after '{opToken.Text}'"
                    : $"expected a value after '{opToken.Text}', found {valueToken.Describe(text)}";
                // A keyword at the very end was probably meant as a word (tags.mode = not); elsewhere the value is missing.
                var hint = keyword && tokens[_i + 1].Kind == TokenKind.End ? $"quote it to compare with the word: \"{valueToken.Text}\"" : "a value is a number, a word, a \"quoted string\", true/false, a date (2026-11-01, -7d) or a duration (90s, 5m)";
                throw Error(problem, valueToken.Start, hint);
            }
            _i++;
            QueryLiteral literal;
            if (op is QueryOperator.Match or QueryOperator.NotMatch)
                literal = LiteralReader.Text(valueToken.Text, valueToken.Start, quoted: valueToken.Kind == TokenKind.String);
            else if (valueToken.Kind == TokenKind.String)
                literal = LiteralReader.Text(valueToken.Text, valueToken.Start, quoted: true);
            else
            {
                literal = LiteralReader.FromWord(valueToken.Text, valueToken.Start)
                    ?? throw Error($"bad date '{valueToken.Text}'", valueToken.Start,
                        "dates are written 2026-11-01, 2026-11-01T12:00 or 2026-11-01T12:00:00Z");
            }
            literal = FitToField(field, op, literal);
            return new ComparisonExpression(field, op, literal) { Position = fieldStart };
        }

        /// <summary>
        /// A metric is a number: it compares with a number, a duration (as seconds), <c>nan</c> or an infinity, or text
        /// that reads as one; anything else (a bare word such as <c>high</c>, a date, true/false) can never match, so it is
        /// an error rather than a filter that silently keeps nothing.
        /// </summary>
        private QueryLiteral FitToMetric(string name, QueryLiteral literal)
        {
            if (literal.Kind is QueryLiteralKind.Number or QueryLiteralKind.Duration)
                return literal;
            if (literal.Kind == QueryLiteralKind.Text && LiteralReader.TryNumber(literal.Raw, out double n))
                return literal with { Kind = QueryLiteralKind.Number, Number = n };
            if (literal.Kind == QueryLiteralKind.Text && NonFinite(literal.Raw) is { } special)
                return literal with { Kind = QueryLiteralKind.Number, Number = special };
            throw Error($"{name} is a number, '{literal.Raw}' is not", literal.Position,
                $"metrics compare with numbers, e.g. {name} > 0.9 (nan and inf too)");
        }

        private static double? NonFinite(string text) => text.ToLowerInvariant() switch
        {
            "nan" => double.NaN,
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => null,
        };

        /// <summary>
        /// Checks and converts the literal for the run's own fields, whose types are known: text fields take any value as
        /// its text, dates need a date, durations a duration or seconds, exit_code a number, status one of its names.
        /// </summary>
        private QueryLiteral FitToField(FieldPath field, QueryOperator op, QueryLiteral literal)
        {
            if (op is QueryOperator.Match or QueryOperator.NotMatch)
                return literal.Kind == QueryLiteralKind.Text ? literal : literal with { Kind = QueryLiteralKind.Text };
            string name = field.ToString();
            switch (field.FixedKind)
            {
                case null when field.Root == FieldRoot.Metrics:
                    return FitToMetric(name, literal);
                case null:
                    return literal;
                case QueryValueKind.Date:
                    if (literal.Kind is QueryLiteralKind.Date or QueryLiteralKind.RelativeDate)
                        return literal;
                    if (literal.Quoted && LiteralReader.TryDate(literal.Raw, literal.Position, quoted: true) is { } quotedDate)
                        return quotedDate;
                    if (literal.Quoted && literal.Raw.StartsWith('-') && LiteralReader.TryDuration(literal.Raw[1..], out var ago))
                        return literal with { Kind = QueryLiteralKind.RelativeDate, Duration = ago };
                    throw Error($"{name} is a date, '{literal.Raw}' is not", literal.Position,
                        literal.Kind == QueryLiteralKind.Duration
                            ? $"write -{literal.Raw} for {literal.Raw} ago"
                            : "write a date like 2026-11-01 or 2026-11-01T12:00, or a time ago like -7d, -12h, -30m, -2w");
                case QueryValueKind.Duration:
                    if (literal.Kind == QueryLiteralKind.Duration)
                        return literal;
                    if (literal.Kind == QueryLiteralKind.Number && Math.Abs(literal.Number) < MaxDurationSeconds)
                        return literal with { Kind = QueryLiteralKind.Duration, Duration = TimeSpan.FromSeconds(literal.Number) };
                    if (literal.Quoted && LiteralReader.TryDuration(literal.Raw, out var d))
                        return literal with { Kind = QueryLiteralKind.Duration, Duration = d };
                    throw Error($"{name} is a length of time, '{literal.Raw}' is not", literal.Position,
                        "write 90s, 5m, 2h, 1h30m, 1d or a number of seconds");
                case QueryValueKind.Number:
                    if (literal.Kind == QueryLiteralKind.Number)
                        return literal;
                    if (literal.Quoted && LiteralReader.TryNumber(literal.Raw, out double n))
                        return literal with { Kind = QueryLiteralKind.Number, Number = n };
                    throw Error($"{name} is a number, '{literal.Raw}' is not", literal.Position, "e.g. exit_code != 0");
                default:
                    if (field.Root == FieldRoot.Status && op is QueryOperator.Equal or QueryOperator.NotEqual)
                    {
                        var status = literal.Raw.ToLowerInvariant();
                        if (Array.IndexOf(RunStatusNames.All, status) < 0)
                            throw Error($"unknown status '{literal.Raw}'", literal.Position,
                                "a status is one of " + string.Join(", ", RunStatusNames.All));
                        return literal with { Kind = QueryLiteralKind.Text, Raw = status };
                    }
                    return literal with { Kind = QueryLiteralKind.Text };
            }
        }
    }
}
