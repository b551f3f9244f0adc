using System.Text;
using GitTrack.Core.Query.Internal;

namespace GitTrack.Core.Query;

/// <summary>
/// A field of a run as the query language names it: <c>params.lr</c>, <c>metrics."val/loss"</c>, <c>tags.stage</c>,
/// or one of the run's own fields (<c>id</c>, <c>name</c>, <c>status</c>, <c>started</c>, <c>ended</c>, <c>duration</c>,
/// <c>exit_code</c>, <c>source.commit</c>, <c>source.branch</c>, <c>parent</c>). Used by filters, sort keys and columns.
/// </summary>
public sealed record FieldPath
{
    private FieldPath(FieldRoot root, string key, bool isWildcard)
    {
        Root = root;
        Key = key;
        IsWildcard = isWildcard;
    }

    public FieldRoot Root { get; }

    /// <summary>The name inside <c>params</c>, <c>metrics</c> or <c>tags</c> (nested params are flattened with dots:
    /// <c>optimizer.lr</c>); empty for the run's own fields.</summary>
    public string Key { get; }

    /// <summary>True for <c>params.*</c>, <c>metrics.*</c>, <c>tags.*</c> in a column list: every key of that map.</summary>
    public bool IsWildcard { get; }

    /// <summary>True for <see cref="FieldRoot.Params"/>, <see cref="FieldRoot.Metrics"/> and <see cref="FieldRoot.Tags"/>.</summary>
    public bool IsKeyed => Root is FieldRoot.Params or FieldRoot.Metrics or FieldRoot.Tags;

    public static FieldPath Param(string key) => new(FieldRoot.Params, NotEmpty(key), false);
    public static FieldPath Metric(string key) => new(FieldRoot.Metrics, NotEmpty(key), false);
    public static FieldPath Tag(string key) => new(FieldRoot.Tags, NotEmpty(key), false);

    /// <summary>Every key of a keyed root (<c>params.*</c>); only column lists accept it.</summary>
    public static FieldPath Wildcard(FieldRoot root) => IsKeyedRoot(root)
        ? new(root, "*", true)
        : throw new ArgumentException($"{root} has no keys", nameof(root));

    /// <summary>The path of one of the run's own fields.</summary>
    public static FieldPath Of(FieldRoot root) => IsKeyedRoot(root)
        ? throw new ArgumentException($"{root} needs a key", nameof(root))
        : new(root, "", false);

    public static FieldPath Keyed(FieldRoot root, string key) => IsKeyedRoot(root)
        ? new(root, NotEmpty(key), false)
        : throw new ArgumentException($"{root} has no keys", nameof(root));

    public static readonly FieldPath Id = new(FieldRoot.Id, "", false);
    public static readonly FieldPath Name = new(FieldRoot.Name, "", false);
    public static readonly FieldPath Status = new(FieldRoot.Status, "", false);
    public static readonly FieldPath Started = new(FieldRoot.Started, "", false);
    public static readonly FieldPath Ended = new(FieldRoot.Ended, "", false);
    public static readonly FieldPath Duration = new(FieldRoot.Duration, "", false);
    public static readonly FieldPath ExitCode = new(FieldRoot.ExitCode, "", false);
    public static readonly FieldPath SourceCommit = new(FieldRoot.SourceCommit, "", false);
    public static readonly FieldPath SourceBranch = new(FieldRoot.SourceBranch, "", false);
    public static readonly FieldPath Parent = new(FieldRoot.Parent, "", false);
    public static readonly FieldPath InputsPath = new(FieldRoot.InputsPath, "", false);
    public static readonly FieldPath Input = new(FieldRoot.Input, "", false);

    /// <summary>The run's own fields, by the name the language gives them, in the order documentation lists them.</summary>
    public static IReadOnlyList<KeyValuePair<string, FieldPath>> OwnFields { get; } =
    [
        new("id", Id), new("name", Name), new("status", Status), new("started", Started), new("ended", Ended),
        new("duration", Duration), new("exit_code", ExitCode), new("source.commit", SourceCommit),
        new("source.branch", SourceBranch), new("parent", Parent), new("inputs.path", InputsPath), new("input", Input),
    ];

    /// <summary>True for the fields that hold one value per input (<c>inputs.path</c>, <c>input</c>): filters test each.</summary>
    public bool IsMultiValued => Root is FieldRoot.InputsPath or FieldRoot.Input;

    /// <summary>What the value of this field is, for the run's own fields; null for params, metrics and tags (any type).</summary>
    public QueryValueKind? FixedKind => Root switch
    {
        FieldRoot.Started or FieldRoot.Ended => QueryValueKind.Date,
        FieldRoot.Duration => QueryValueKind.Duration,
        FieldRoot.ExitCode => QueryValueKind.Number,
        FieldRoot.Params or FieldRoot.Metrics or FieldRoot.Tags => null,
        _ => QueryValueKind.Text,
    };

    /// <summary>
    /// Parses one field path as written in a filter (<c>metrics."val/loss"</c>). Throws
    /// <see cref="Errors.QuerySyntaxException"/> (labelled "field") when it is not one.
    /// </summary>
    public static FieldPath Parse(string text)
    {
        var parser = new FieldListParser(text, "field");
        return parser.ParseSingle(allowWildcard: false);
    }

    /// <summary>The path as the language writes it, quoting a key that needs it: <c>metrics."val loss"</c>.</summary>
    public override string ToString()
    {
        return Root switch
        {
            FieldRoot.Params => "params." + FormatKey(),
            FieldRoot.Metrics => "metrics." + FormatKey(),
            FieldRoot.Tags => "tags." + FormatKey(),
            _ => OwnFields.First(f => f.Value.Root == Root).Key,
        };
    }

    private string FormatKey()
    {
        if (IsWildcard)
            return "*";
        if (Key.Length > 0 && Key.All(QueryLexer.IsWordChar) && Key[0] != '-' && Key[0] != '+' && Key != "*")
            return Key;
        var sb = new StringBuilder("\"");
        foreach (var c in Key)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static bool IsKeyedRoot(FieldRoot root) => root is FieldRoot.Params or FieldRoot.Metrics or FieldRoot.Tags;

    private static string NotEmpty(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("a key cannot be empty", nameof(key)) : key;
}
