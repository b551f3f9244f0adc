using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// MLflow's run search language, the part clients use: <c>filter</c> is comparisons joined by <c>AND</c>
/// (<c>metrics.rmse &lt; 1</c>, <c>params.model = 'cnn'</c>, <c>tags."mlflow.parentRunId" = '…'</c>,
/// <c>attributes.status = 'FINISHED'</c>) with <c>= != &lt; &lt;= &gt; &gt;=</c>, <c>LIKE</c>, <c>ILIKE</c> and
/// <c>IN (…)</c>; <c>order_by</c> is keys with <c>ASC</c>/<c>DESC</c>. Anything else is refused with a message.
/// </summary>
internal static partial class MlflowSearch
{
    private sealed record Comparison(string Kind, string Key, string Op, IReadOnlyList<string> Values, bool Numeric);

    public static IEnumerable<MlflowRunView> Filter(IEnumerable<MlflowRunView> runs, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
            return runs;
        var comparisons = Parse(filter);
        return runs.Where(run => comparisons.All(c => Matches(run, c)));
    }

    public static IEnumerable<MlflowRunView> Order(IEnumerable<MlflowRunView> runs, IReadOnlyList<string> orderBy)
    {
        IOrderedEnumerable<MlflowRunView>? ordered = null;
        foreach (var clause in orderBy)
        {
            var tokens = Tokens(clause);
            if (tokens.Count is < 1 or > 2 || (tokens.Count == 2 && tokens[1].ToUpperInvariant() is not ("ASC" or "DESC")))
                throw MlflowError.Invalid($"Invalid order_by clause '{clause}' (expected KEY [ASC|DESC])");
            var (kind, key) = Identifier(tokens[0]);
            var descending = tokens.Count == 2 && tokens[1].Equals("DESC", StringComparison.OrdinalIgnoreCase);
            var comparer = Comparer<(bool Missing, double Number, string Text)>.Create((a, b) =>
                a.Missing != b.Missing ? a.Missing.CompareTo(b.Missing) // runs without the key last, either way
                : a.Number != b.Number ? a.Number.CompareTo(b.Number) : string.CompareOrdinal(a.Text, b.Text));
            Func<MlflowRunView, (bool, double, string)> keyOf = run =>
            {
                var value = ValueOf(run, kind, key);
                if (value is null)
                    return (true, 0, "");
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && kind is "metrics" or "attributes"
                    ? (false, descending ? -number : number, "") : (false, 0, value);
            };
            ordered = ordered is null
                ? (descending ? runs.OrderBy(keyOf, Reverse(comparer)) : runs.OrderBy(keyOf, comparer))
                : (descending ? ordered.ThenBy(keyOf, Reverse(comparer)) : ordered.ThenBy(keyOf, comparer));
        }
        // MLflow's tie-break: newest first, then run id.
        return (ordered is null ? runs.OrderByDescending(r => r.StartTime) : ordered.ThenByDescending(r => r.StartTime)).ThenBy(r => r.Id, StringComparer.Ordinal);

        static IComparer<(bool Missing, double Number, string Text)> Reverse(IComparer<(bool Missing, double Number, string Text)> inner) =>
            Comparer<(bool Missing, double Number, string Text)>.Create((a, b) =>
                a.Missing != b.Missing ? a.Missing.CompareTo(b.Missing) : a.Missing ? 0 : a.Number != b.Number ? a.Number.CompareTo(b.Number) : -string.CompareOrdinal(a.Text, b.Text));
    }

    private static List<Comparison> Parse(string filter)
    {
        var tokens = Tokens(filter);
        var result = new List<Comparison>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (i + 2 >= tokens.Count)
                throw Unreadable(filter, "a comparison needs KEY OPERATOR VALUE");
            var (kind, key) = Identifier(tokens[i]);
            var op = tokens[i + 1].ToUpperInvariant();
            i += 2;
            var values = new List<string>();
            bool numeric;
            if (op is "IN" or "NOT")
            {
                if (op == "NOT")
                {
                    if (!tokens[i].Equals("IN", StringComparison.OrdinalIgnoreCase))
                        throw Unreadable(filter, "expected IN after NOT");
                    op = "NOT IN";
                    i++;
                }
                if (i >= tokens.Count || tokens[i] != "(")
                    throw Unreadable(filter, "IN takes a list in parentheses");
                i++;
                while (i < tokens.Count && tokens[i] != ")")
                {
                    if (tokens[i] != ",")
                        values.Add(Literal(tokens[i], filter, out _));
                    i++;
                }
                if (i >= tokens.Count)
                    throw Unreadable(filter, "a list lacks its closing parenthesis");
                i++;
                numeric = false;
            }
            else
            {
                if (op is not ("=" or "!=" or "<" or "<=" or ">" or ">=" or "LIKE" or "ILIKE"))
                    throw Unreadable(filter, $"unknown operator '{tokens[i - 1]}'");
                values.Add(Literal(tokens[i], filter, out numeric));
                i++;
            }
            result.Add(new Comparison(kind, key, op, values, numeric));
            if (i < tokens.Count)
            {
                if (!tokens[i].Equals("AND", StringComparison.OrdinalIgnoreCase))
                    throw Unreadable(filter, $"expected AND, found '{tokens[i]}' (only AND joins comparisons)");
                i++;
            }
        }
        return result;
    }

    private static bool Matches(MlflowRunView run, Comparison c)
    {
        var value = ValueOf(run, c.Kind, c.Key);
        if (value is null)
            return false; // as MLflow: a run without the key matches no comparison
        if (c.Op is "IN" or "NOT IN")
            return c.Values.Contains(value) == (c.Op == "IN");
        var expected = c.Values[0];
        if (c.Op is "LIKE" or "ILIKE")
            return LikePattern(expected, c.Op == "ILIKE").IsMatch(value);
        if ((c.Kind is "metrics" || c.Numeric) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var actual)
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var wanted))
            return Compare(actual.CompareTo(wanted), c.Op);
        return Compare(string.CompareOrdinal(value, expected), c.Op);
    }

    private static bool Compare(int order, string op) => op switch
    {
        "=" => order == 0,
        "!=" => order != 0,
        "<" => order < 0,
        "<=" => order <= 0,
        ">" => order > 0,
        _ => order >= 0,
    };

    private static string? ValueOf(MlflowRunView run, string kind, string key) => kind switch
    {
        "metrics" => run.Metrics.FirstOrDefault(m => m.Key == key) is { Key: not null } m ? m.Value.ToString("R", CultureInfo.InvariantCulture) : null,
        "params" => run.Params.TryGetValue(key, out var p) ? p : null,
        "tags" => run.Tags.TryGetValue(key, out var t) ? t : null,
        _ => key switch
        {
            "run_id" or "run_uuid" => run.Id,
            "run_name" => run.Name,
            "status" => run.Status,
            "start_time" => run.StartTime.ToString(CultureInfo.InvariantCulture),
            "end_time" => run.EndTime?.ToString(CultureInfo.InvariantCulture),
            "experiment_id" => run.ExperimentId,
            "artifact_uri" => run.ArtifactUri,
            "lifecycle_stage" => run.Deleted ? "deleted" : "active",
            "user_id" => run.Tags.TryGetValue("mlflow.user", out var u) ? u : null,
            _ => throw MlflowError.Invalid($"Invalid attribute key '{key}' specified."),
        },
    };

    private static (string Kind, string Key) Identifier(string token)
    {
        var dot = token.IndexOf('.');
        var (prefix, rest) = dot > 0 && !IsQuoted(token) ? (token[..dot], token[(dot + 1)..]) : ("attributes", token);
        var kind = prefix.ToLowerInvariant() switch
        {
            "metric" or "metrics" => "metrics",
            "param" or "params" or "parameter" or "parameters" => "params",
            "tag" or "tags" => "tags",
            "attribute" or "attributes" or "attr" or "run" => "attributes",
            _ => throw MlflowError.Invalid($"Invalid entity type '{prefix}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']"),
        };
        var key = IsQuoted(rest) ? rest[1..^1] : rest;
        if (key.Length == 0)
            throw MlflowError.Invalid($"a key is missing in '{token}'");
        return (kind, key);
    }

    private static bool IsQuoted(string text) => text.Length >= 2 && text[0] is '"' or '`' && text[^1] == text[0];

    private static string Literal(string token, string filter, out bool numeric)
    {
        numeric = false;
        if (token.Length >= 2 && token[0] is '\'' or '"' && token[^1] == token[0])
            return token[1..^1];
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            numeric = true;
            return token;
        }
        throw Unreadable(filter, $"'{token}' is not a quoted string or a number");
    }

    /// <summary>Words, quoted strings and names ('…', "…", `…`, with a key after a dot kept whole), operators, parentheses, commas.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c is '=' or '!' or '<' or '>')
            {
                var length = i + 1 < text.Length && text[i + 1] == '=' ? 2 : 1;
                tokens.Add(text.Substring(i, length));
                i += length;
                continue;
            }
            var sb = new StringBuilder();
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or ',' or '=' or '!' or '<' or '>'))
            {
                if (text[i] is '\'' or '"' or '`')
                {
                    var quote = text[i];
                    var end = text.IndexOf(quote, i + 1);
                    if (end < 0)
                        throw MlflowError.Invalid($"unterminated quote in '{text}'");
                    sb.Append(text, i, end - i + 1);
                    i = end + 1;
                    continue;
                }
                sb.Append(text[i++]);
            }
            tokens.Add(sb.ToString());
        }
        return tokens;
    }

    private static Regex LikePattern(string pattern, bool ignoreCase)
    {
        var regex = "^" + Regex.Escape(pattern).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$";
        return new Regex(regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static MlflowError Unreadable(string filter, string why) =>
        MlflowError.Invalid($"gittrack's MLflow server cannot read the filter \"{filter}\": {why}");
}
