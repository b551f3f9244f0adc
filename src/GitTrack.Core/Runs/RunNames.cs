namespace GitTrack.Core.Runs;

/// <summary>
/// What a run name and a tag key may be, checked wherever one is written (the CLI, the web UI's editor) and again
/// wherever one is read from the branch: the same rule in every place.
/// </summary>
public static class RunNames
{
    /// <summary>Why <paramref name="name"/> is not a usable run name ("is empty", ...), or null when it is.</summary>
    public static string? Problem(string name) =>
        name.Length == 0 ? "is empty"
        : name.Any(char.IsControl) ? "holds control characters"
        : name.Trim() != name ? "has spaces around it"
        : null;

    /// <summary>Why <paramref name="key"/> is not a usable tag key, or null when it is.</summary>
    public static string? TagKeyProblem(string key) =>
        key.Length == 0 ? "is empty"
        : key.Any(char.IsControl) ? "holds control characters (a newline, a tab, ...)"
        : key.Trim() != key ? "has spaces around it"
        : null;
}
