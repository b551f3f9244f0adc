using System.Text;
using GitTrack.Core.Errors;

namespace GitTrack.Core.Query.Internal;

/// <summary>
/// Reads a field path from tokens: a word such as <c>params.lr</c> or <c>source.branch</c>, followed without space by
/// quoted parts (<c>metrics."val/loss"</c>). Unknown roots are errors that list the valid ones.
/// </summary>
internal static class FieldReader
{
    public const string ValidFields =
        "fields are params.NAME, metrics.NAME, tags.NAME, id, name, status, started, ended, duration, exit_code, source.commit, source.branch, parent, inputs.path, input";

    public static FieldPath Read(List<QueryToken> tokens, ref int i, string source, string what, bool allowWildcard)
    {
        var first = tokens[i];
        if (first.Kind != TokenKind.Word)
        {
            var problem = first.Kind == TokenKind.End ? "expected a field name" : $"expected a field name, found {first.Describe(source)}";
            var hint = first.Kind == TokenKind.String ? "quote only the key: metrics.\"val/loss\"" : ValidFields;
            throw new QuerySyntaxException(what, problem, source, first.Start, hint);
        }
        int last = i;
        while (tokens[last + 1].Start == tokens[last].End && tokens[last + 1].Kind is TokenKind.Word or TokenKind.String)
            last++;
        var word = first.Text;
        int dot = word.IndexOf('.');

        if (last == i)
        {
            foreach (var (name, path) in FieldPath.OwnFields)
            {
                if (string.Equals(name, word, StringComparison.OrdinalIgnoreCase))
                {
                    i = last + 1;
                    return path;
                }
            }
        }

        var rootName = dot < 0 ? word : word[..dot];
        FieldRoot? root = rootName.ToLowerInvariant() switch
        {
            "params" => FieldRoot.Params,
            "metrics" => FieldRoot.Metrics,
            "tags" => FieldRoot.Tags,
            _ => null,
        };
        var written = source[first.Start..tokens[last].End];
        if (root is null)
        {
            string hint = rootName.ToLowerInvariant() switch
            {
                "param" or "metric" or "tag" => $"did you mean '{rootName}s{written[rootName.Length..]}'? {ValidFields}",
                "source" => "source has commit and branch: source.commit, source.branch",
                _ => ValidFields,
            };
            throw new QuerySyntaxException(what, $"unknown field '{written}'", source, first.Start, hint);
        }
        if (dot < 0)
            throw new QuerySyntaxException(what, $"expected a name after '{rootName}.'", source, first.End,
                $"write {rootName}.NAME, or {rootName}.\"NAME\" for a name with spaces or symbols");

        var key = new StringBuilder(word[(dot + 1)..]);
        bool anyQuoted = false;
        for (int t = i + 1; t <= last; t++)
        {
            key.Append(tokens[t].Text);
            anyQuoted |= tokens[t].Kind == TokenKind.String;
        }
        i = last + 1;
        if (key.Length == 0)
            throw new QuerySyntaxException(what, $"expected a name after '{rootName}.'", source, first.Start + dot + 1,
                $"write {rootName}.NAME, or {rootName}.\"NAME\" for a name with spaces or symbols");
        if (!anyQuoted && key.ToString() == "*")
        {
            if (!allowWildcard)
                throw new QuerySyntaxException(what, $"'{written}' names every key and is only allowed in a column list",
                    source, first.Start, "name one key, or quote a key that is a star: params.\"*\"");
            return FieldPath.Wildcard(root.Value);
        }
        return FieldPath.Keyed(root.Value, key.ToString());
    }
}
