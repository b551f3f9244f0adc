using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage.Git;

/// <summary>
/// Every git setting <c>gittrack run</c> reads before its command starts, asked of git in one process
/// (<c>git config -z --get-regexp</c>, so every file and rule git applies counts, as in <see cref="GitSettings"/>):
/// the runs branch, the secret-file patterns, <c>gittrack.mlflow</c>, the remotes and upstreams the code snapshot names, and the committer
/// identity. Each process costs a run's start-up time (docs/benchmarks.md, "Runs"): this one replaces four.
/// </summary>
public sealed class RecorderSettings
{
    private const string Pattern = @"^(gittrack\.branch|gittrack\.secretfiles|gittrack\.mlflow|branch\..*\.remote|remote\..*\.url|user\.name|user\.email|committer\.name|committer\.email)$";
    private readonly List<(string Key, string? Value)> _values;

    private RecorderSettings(List<(string Key, string? Value)> values) => _values = values;

    /// <summary>Reads the settings; a configuration git cannot read is an <see cref="InvalidInputException"/>, as for one key.</summary>
    public static RecorderSettings Read(GitDirectories directories)
    {
        var result = GitCli.Run(directories.WorkTree, GitRepository.EnvironmentFor(directories), "config", "-z", "--get-regexp", Pattern);
        if (result.ExitCode > 1)
            throw new InvalidInputException($"git cannot read its configuration: {result.Stderr.Trim().Split('\n')[0].Trim()}", "fix the file git names, then try again");
        var values = new List<(string, string?)>();
        if (result.ExitCode == 0)
            foreach (var item in result.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                // "key\nvalue", or "key" alone for a key set without a value ("[section] key").
                var newline = item.IndexOf('\n', StringComparison.Ordinal);
                values.Add(newline < 0 ? (item, null) : (item[..newline], item[(newline + 1)..]));
            }
        return new RecorderSettings(values);
    }

    /// <summary>Every (key, value) read, in git's order (keys lowercased as git prints them); valueless keys left out.</summary>
    public IEnumerable<KeyValuePair<string, string>> Values =>
        _values.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!));

    /// <summary>The value git's <c>config --get</c> gives for <paramref name="key"/> (the last one set; "" for a key without a value), or null.</summary>
    public string? Last(string key)
    {
        for (var i = _values.Count - 1; i >= 0; i--)
            if (_values[i].Key == key)
                return _values[i].Value ?? "";
        return null;
    }

    /// <summary>
    /// The name and email <c>git var GIT_COMMITTER_IDENT</c> gives, when the environment and these settings decide it
    /// (GIT_COMMITTER_NAME, else committer.name, else user.name; the same for the email), cleaned as git cleans them;
    /// null when git would have to guess (from the account, the host or EMAIL) or refuse: then git is asked.
    /// </summary>
    public (string Name, string Email)? Identity
    {
        get
        {
            string? Pick(string variable, string committerKey, string userKey)
            {
                var fromEnvironment = System.Environment.GetEnvironmentVariable(variable);
                if (fromEnvironment is not null)
                    return fromEnvironment;
                foreach (var key in new[] { committerKey, userKey })
                {
                    if (_values.Any(p => p.Key == key && p.Value is null))
                        return null; // git refuses a valueless name or email: let it say so
                    if (Last(key) is { Length: > 0 } value)
                        return value;
                }
                return null;
            }
            var name = Pick("GIT_COMMITTER_NAME", "committer.name", "user.name");
            var email = Pick("GIT_COMMITTER_EMAIL", "committer.email", "user.email");
            if (name is null || email is null)
                return null;
            name = WithoutCrud(name);
            email = WithoutCrud(email);
            return name.Length == 0 || email.Length == 0 ? null : (name, email);
        }
    }

    /// <summary>As git's <c>strbuf_addstr_without_crud</c> (ident.c): crud trimmed from both ends, then newlines and angle brackets dropped.</summary>
    internal static string WithoutCrud(string text)
    {
        static bool Crud(char c) => c <= ' ' || c is '.' or ',' or ':' or ';' or '<' or '>' or '"' or '\\' or '\'';
        int start = 0, end = text.Length;
        while (start < end && Crud(text[start]))
            start++;
        while (end > start && Crud(text[end - 1]))
            end--;
        return string.Concat(text.AsSpan(start, end - start).ToArray().Where(c => c is not ('\n' or '<' or '>')));
    }
}
