using System.Text.Json;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>Reads what <c>gittrack run</c> committed, as an outside tool would: git and Python's tomllib.</summary>
public static class RunsOnBranch
{
    public const string Branch = "gittrack/runs";

    /// <summary>
    /// Run ids on the branch, from the tree with git (not with GitTrack). Empty when the branch does not exist.
    /// </summary>
    public static List<string> Ids(TempGitRepo repo)
    {
        if (ProcessRunner.Run("git", ["rev-parse", "--verify", "-q", Branch], repo.Root, repo.Environment).ExitCode != 0)
            return [];
        return [.. repo.Git("ls-tree", "-r", "--name-only", Branch, "runs/")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith("/manifest.toml", StringComparison.Ordinal))
            .Select(p => p.Split('/')[2])];
    }

    public static string ManifestText(TempGitRepo repo, string id, string revision = Branch) =>
        repo.Git("show", $"{revision}:runs/{id[..2]}/{id}/manifest.toml");

    /// <summary>
    /// The manifest parsed by Python's tomllib, as JSON. Non-finite floats become the strings "nan", "inf", "-inf",
    /// and <c>param_types</c> holds the Python type name of each param (int, float, bool, str).
    /// </summary>
    public static JsonElement Manifest(TempGitRepo repo, string id, string revision = Branch)
    {
        const string script = """
            import json, math, sys, tomllib
            m = tomllib.loads(sys.stdin.read())
            def clean(v):
                if isinstance(v, float) and not math.isfinite(v):
                    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
                if isinstance(v, dict):
                    return {k: clean(x) for k, x in v.items()}
                if isinstance(v, list):
                    return [clean(x) for x in v]
                if hasattr(v, "isoformat"):
                    return v.isoformat()
                return v
            m["param_types"] = {k: type(v).__name__ for k, v in m.get("params", {}).items()}
            print(json.dumps(clean(m)))
            """;
        var result = ProcessRunner.Run(TomllibPython.Value, ["-c", script], repo.Root, repo.Environment, stdin: ManifestText(repo, id, revision));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"tomllib could not read the manifest of {id}: {result.Stderr}");
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The path or name of a Python with tomllib (below).</summary>
    public static string TomllibPythonPath => TomllibPython.Value;

    /// <summary>
    /// A Python with tomllib (3.11 or later): python3 when it is one, else the newest python3.N on PATH. The CI pass that
    /// puts the oldest supported Python (3.8) first on PATH for the client still reads manifests with a newer one.
    /// </summary>
    private static readonly Lazy<string> TomllibPython = new(() =>
    {
        string[] candidates = ["python3", "python3.14", "python3.13", "python3.12", "python3.11", "/usr/bin/python3"];
        foreach (var candidate in candidates)
        {
            if (!candidate.StartsWith('/') && !ProcessRunner.IsOnPath(candidate))
                continue;
            if (candidate.StartsWith('/') && !File.Exists(candidate))
                continue;
            if (ProcessRunner.Run(candidate, ["-c", "import tomllib"], Path.GetTempPath(), new Dictionary<string, string>()).ExitCode == 0)
                return candidate;
        }
        throw new InvalidOperationException("no Python 3.11 or later with tomllib on PATH (python3, python3.11 ... python3.14)");
    });

    /// <summary>
    /// A run as <c>gittrack show --json</c> gives it: the manifest with its edits folded in (tags, note, name live in
    /// edit files on a schema-2 branch, not in the manifest).
    /// </summary>
    public static JsonElement Shown(TempGitRepo repo, string id)
    {
        var result = GitTrackProcess.Run(repo, "show", id, "--json");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"gittrack show {id} failed: {result.Stderr}");
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The only run on the branch (fails the test when there is not exactly one).</summary>
    public static string SingleId(TempGitRepo repo) => Assert.Single(Ids(repo));

    /// <summary>A run's metric history as stored (read through GitTrack's reader: the segment format is binary).</summary>
    public static IReadOnlyList<MetricPoint> History(TempGitRepo repo, string id)
    {
        using var store = RunStore.Open(GitDirectories.Discover(repo.Root));
        return store.ReadHistory(id);
    }

    /// <summary>
    /// Commit subjects on the branch's own line (first parents: not the code snapshot commits), newest first, without
    /// the branch's root commit.
    /// </summary>
    public static string[] Subjects(TempGitRepo repo) =>
        [.. repo.Git("log", "--first-parent", "--format=%s", Branch).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s != "gittrack: runs branch")];

    /// <summary>Every blob reachable from the branch (manifests, histories, the code snapshots), as text.</summary>
    public static IEnumerable<(string Path, string Content)> AllBlobs(TempGitRepo repo)
    {
        foreach (var line in repo.Git("rev-list", "--objects", Branch).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            var sha = parts[0];
            if (repo.Git("cat-file", "-t", sha).Trim() is not ("blob" or "commit"))
                continue;
            yield return (parts.Length > 1 ? parts[1] : sha, repo.Git("cat-file", "-p", sha));
        }
    }

    /// <summary>A content key's bytes from the artifact cache, through <c>gittrack cache cat</c>.</summary>
    public static string CacheCat(TempGitRepo repo, string key)
    {
        var result = GitTrackProcess.Run(repo, "cache", "cat", key);
        Assert.Equal(0, result.ExitCode);
        return result.Stdout;
    }
}
