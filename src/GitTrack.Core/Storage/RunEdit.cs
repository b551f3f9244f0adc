using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using Tomlyn;
using Tomlyn.Model;

namespace GitTrack.Core.Storage;

/// <summary>
/// One change made to a run after it started (<c>gittrack tag</c>, <c>untag</c>, <c>note</c>, <c>rename</c>, <c>rm</c>,
/// <c>restore</c>, the web UI's editor), stored as its own immutable file <c>runs/&lt;shard&gt;/&lt;id&gt;/edits/&lt;edit id&gt;.toml</c>
/// (docs/format.md, "Edits"). Edits are never changed or removed, so two copies of the branch merge by taking the union
/// of their files, and the run's current name, note, tags and visibility are folded from them in (clock, time, id)
/// order: the later edit wins per field, as in git-bug's operation-based entities.
/// </summary>
public sealed record RunEdit
{
    /// <summary>16 lowercase hex digits from a cryptographic random generator: the file name without <c>.toml</c>.</summary>
    public required string Id { get; init; }
    /// <summary>A Lamport clock: one more than the highest clock among the run's edits its writer saw.</summary>
    public required long Clock { get; init; }
    /// <summary>When the edit was made (UTC); orders edits with equal clocks (made concurrently on two machines).</summary>
    public required DateTimeOffset At { get; init; }
    public string? Name { get; init; }
    /// <summary>A new note; the empty string removes the note.</summary>
    public string? Note { get; init; }
    /// <summary>True hides the run (<c>gittrack rm</c>), false shows it again (<c>restore</c>).</summary>
    public bool? Hidden { get; init; }
    public IReadOnlyDictionary<string, string> SetTags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public IReadOnlyList<string> RemoveTags { get; init; } = [];

    public const string Folder = "edits";
    private const int IdLength = 16;

    /// <summary>The largest edit file a reader accepts (a hostile push must not cost the reader's memory).</summary>
    public const int MaxBytes = 256 * 1024;

    public bool IsEmpty => Name is null && Note is null && Hidden is null && SetTags.Count == 0 && RemoveTags.Count == 0;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));

    public static bool IsValidFileName(string name) =>
        name.Length == IdLength + 5 && name.EndsWith(".toml", StringComparison.Ordinal)
        && name.AsSpan(0, IdLength).IndexOfAnyExcept("0123456789abcdef") < 0;

    public string FileName => Id + ".toml";

    /// <summary>The order edits apply in: Lamport clock, then time, then id (a total order every reader agrees on).</summary>
    public static int Compare(RunEdit a, RunEdit b)
    {
        var byClock = a.Clock.CompareTo(b.Clock);
        if (byClock != 0) return byClock;
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>The file's text: deterministic, fields in a fixed order, tags sorted by code point.</summary>
    public string Write()
    {
        var sb = new StringBuilder(256);
        sb.Append("clock = ").Append(TomlText.Integer(Clock)).Append('\n');
        sb.Append("at = ").Append(TomlText.DateTime(At)).Append('\n');
        if (Name is not null) sb.Append("name = ").Append(TomlText.String(Name)).Append('\n');
        if (Note is not null) sb.Append("note = ").Append(TomlText.String(Note)).Append('\n');
        if (Hidden is { } hidden) sb.Append("hidden = ").Append(TomlText.Bool(hidden)).Append('\n');
        if (RemoveTags.Count > 0)
            sb.Append("untag = [").Append(string.Join(", ", RemoveTags.Order(CodePointOrder.Instance).Select(TomlText.String))).Append("]\n");
        if (SetTags.Count > 0)
        {
            sb.Append("\n[tags]\n");
            foreach (var (key, value) in SetTags.OrderBy(p => p.Key, CodePointOrder.Instance))
                sb.Append(TomlText.Key(key)).Append(" = ").Append(TomlText.String(value)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Parses and validates an edit file read from the branch; <paramref name="where"/> names it in errors.</summary>
    public static RunEdit Read(string fileName, string text, string where)
    {
        if (!IsValidFileName(fileName))
            throw Corrupt(where, $"'{fileName}' is not an edit file name (16 hex digits and .toml)");
        TomlTable root;
        try
        {
            root = TomlDocument.Parse(text);
        }
        catch (TomlException e)
        {
            throw Corrupt(where, $"not valid TOML: {e.Message.Split('\n')[0]}");
        }
        var clock = root.TryGetValue("clock", out var c) && c is long l && l >= 1 ? l : throw Corrupt(where, "'clock' must be an integer of at least 1");
        if (!root.TryGetValue("at", out var a) || a is not TomlDateTime at
            || at.Kind is not (TomlDateTimeKind.OffsetDateTimeByZ or TomlDateTimeKind.OffsetDateTimeByNumber))
            throw Corrupt(where, "'at' must be an offset date-time");
        string? name = null, note = null;
        bool? hidden = null;
        if (root.TryGetValue("name", out var n))
        {
            name = n as string ?? throw Corrupt(where, "'name' must be a string");
            if (RunNames.Problem(name) is { } problem)
                throw Corrupt(where, $"name {problem}");
        }
        if (root.TryGetValue("note", out var o))
            note = o as string ?? throw Corrupt(where, "'note' must be a string");
        if (root.TryGetValue("hidden", out var h))
            hidden = h is bool b ? b : throw Corrupt(where, "'hidden' must be a boolean");
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetValue("tags", out var t))
        {
            if (t is not TomlTable tags)
                throw Corrupt(where, "[tags] must be a table");
            foreach (var (key, value) in tags)
            {
                if (RunNames.TagKeyProblem(key) is { } problem)
                    throw Corrupt(where, $"tag key {problem}");
                set[key] = value as string ?? throw Corrupt(where, $"tag '{key}' must be a string");
            }
        }
        var remove = new List<string>();
        if (root.TryGetValue("untag", out var u))
        {
            if (u is not TomlArray untag)
                throw Corrupt(where, "'untag' must be an array of strings");
            foreach (var item in untag)
                remove.Add(item as string ?? throw Corrupt(where, "'untag' must be an array of strings"));
        }
        return new RunEdit
        {
            Id = fileName[..IdLength],
            Clock = clock,
            At = at.DateTime.ToUniversalTime(),
            Name = name,
            Note = note,
            Hidden = hidden,
            SetTags = set,
            RemoveTags = remove,
        };
    }

    /// <summary>
    /// A run's current name, note, tags and visibility: the recorder's manifest with every edit applied in
    /// <see cref="Compare"/> order. A schema 1 tombstone (<paramref name="tombstone"/>) counts as an edit before all others.
    /// </summary>
    public static (RunRecord Run, DateTimeOffset? HiddenAt) Fold(RunRecord manifest, DateTimeOffset? tombstone, IEnumerable<RunEdit> edits)
    {
        var name = manifest.Name;
        var note = manifest.Note;
        var hiddenAt = tombstone;
        SortedDictionary<string, string>? tags = null;
        foreach (var edit in edits.Order(Comparer<RunEdit>.Create(Compare)))
        {
            if (edit.Name is { } newName) name = newName;
            if (edit.Note is { } newNote) note = newNote.Length == 0 ? null : newNote;
            if (edit.Hidden is { } hide) hiddenAt = hide ? edit.At : null;
            if (edit.SetTags.Count > 0 || edit.RemoveTags.Count > 0)
            {
                tags ??= new SortedDictionary<string, string>(manifest.Tags.ToDictionary(), StringComparer.Ordinal);
                foreach (var key in edit.RemoveTags)
                    tags.Remove(key);
                foreach (var (key, value) in edit.SetTags)
                    tags[key] = value;
            }
        }
        var run = name == manifest.Name && note == manifest.Note && tags is null
            ? manifest
            : manifest with { Name = name, Note = note, Tags = tags ?? manifest.Tags };
        return (run, hiddenAt);
    }

    private static CorruptDataException Corrupt(string where, string what) =>
        new($"{where}: {what}", "the runs branch was written by another tool or damaged; check it with 'git fsck'");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"edit {Id} (clock {Clock})");
}
