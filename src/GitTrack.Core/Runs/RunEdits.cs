using GitTrack.Core.Errors;
using GitTrack.Core.Runs.Capture;

namespace GitTrack.Core.Runs;

/// <summary>
/// Changes to a recorded run's tags and note, with the one validation every way of making them shares
/// (<c>gittrack tag</c>, <c>untag</c>, <c>note</c>, <c>run --tag</c>, the web UI's edit endpoint): a tag key is
/// non-empty once surrounding spaces are trimmed, and holds no <c>=</c> (which <c>tag K=V</c> could never give) and no
/// control character (a line break would split it in every listing). Values are masked by <see cref="SecretMasking"/>
/// before they are stored, as a recorded run's are.
/// </summary>
public static class RunEdits
{
    /// <summary>The key as stored (trimmed); throws <see cref="InvalidInputException"/> naming it when it is not usable.</summary>
    public static string TagKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var trimmed = key.Trim();
        if (trimmed.Length == 0)
            throw new InvalidInputException("a tag key is empty", "give a key, e.g. team=vision");
        if (trimmed.Contains('='))
            throw new InvalidInputException($"the tag key '{trimmed}' holds '='", "a key is what comes before the first '=' of KEY=VALUE");
        if (trimmed.Any(char.IsControl))
            throw new InvalidInputException($"the tag key '{trimmed}' holds a control character (a line break, a tab, ...)",
                "use a key without control characters");
        return trimmed;
    }

    /// <summary>A <c>KEY=VALUE</c> argument (<c>gittrack tag</c>, <c>run --tag</c>): the key before the first '=', checked by <see cref="TagKey"/>.</summary>
    public static KeyValuePair<string, string> ParseTag(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at < 0)
            throw new InvalidInputException($"'{text}' is not KEY=VALUE", "write tags as key=value, e.g. gittrack tag run_003 team=vision");
        return new(TagKey(text[..at]), text[(at + 1)..]);
    }

    /// <summary>The tags as they will be stored: keys checked, values masked when their key or text holds a secret.</summary>
    public static List<KeyValuePair<string, string>> Tags(IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var masking = new SecretMasking();
        return tags.Select(t => new KeyValuePair<string, string>(TagKey(t.Key), masking.Value(t.Key, t.Value ?? ""))).ToList();
    }

    /// <summary><paramref name="run"/> with <paramref name="tags"/> set (an existing key overwritten), checked and masked as <see cref="Tags"/>.</summary>
    public static RunRecord SetTags(RunRecord run, IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(run);
        var next = new SortedDictionary<string, string>(run.Tags.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in Tags(tags))
            next[key] = value;
        return run with { Tags = next };
    }

    /// <summary>
    /// <paramref name="run"/> without the tags <paramref name="keys"/>, matched exactly. Not checked as <see cref="TagKey"/>:
    /// a key that came from someone else's push, control characters and all, must still be removable.
    /// </summary>
    public static RunRecord RemoveTags(RunRecord run, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(run);
        var removed = keys.ToHashSet(StringComparer.Ordinal);
        return run with { Tags = new SortedDictionary<string, string>(run.Tags.Where(p => !removed.Contains(p.Key)).ToDictionary(), StringComparer.Ordinal) };
    }

    /// <summary>The note as stored: null for none (null or empty), else the text with its secrets masked.</summary>
    public static string? Note(string? note) => string.IsNullOrEmpty(note) ? null : new SecretMasking().Text(note);
}
