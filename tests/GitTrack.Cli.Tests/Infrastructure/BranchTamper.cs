using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Infrastructure;

/// <summary>
/// Changes what the runs branch holds with git plumbing only, as a stranger's push could: a manifest's text, a code
/// snapshot tree with entries git itself would never write. Nothing here goes through GitTrack.
/// </summary>
public static class BranchTamper
{
    private const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    /// <summary>Replaces the manifest of run <paramref name="id"/> with what <paramref name="edit"/> makes of it, as one new commit on the branch.</summary>
    public static void EditManifest(TempGitRepo repo, string id, Func<string, string> edit)
    {
        var path = $"runs/{id[..2]}/{id}/manifest.toml";
        var text = edit(RunsOnBranch.ManifestText(repo, id));
        var blob = Blob(repo, text);
        var index = Path.Combine(Path.GetDirectoryName(repo.Root)!, $"tamper-index-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string>(repo.Environment) { ["GIT_INDEX_FILE"] = index };
        try
        {
            Plumbing(repo, env, null, "read-tree", RunsOnBranch.Branch);
            Plumbing(repo, env, null, "update-index", "--cacheinfo", $"100644,{blob},{path}");
            var tree = Plumbing(repo, env, null, "write-tree").Trim();
            var commit = Plumbing(repo, env, null, "commit-tree", tree, "-p", RunsOnBranch.Branch, "-m", "tampered").Trim();
            Plumbing(repo, env, null, "update-ref", $"refs/heads/{RunsOnBranch.Branch}", commit);
        }
        finally
        {
            File.Delete(index);
        }
        Assert.Equal(text, RunsOnBranch.ManifestText(repo, id));
    }

    /// <summary>Writes <paramref name="content"/> as a blob and returns its id.</summary>
    public static string Blob(TempGitRepo repo, string content) =>
        Plumbing(repo, repo.Environment, content, "hash-object", "-w", "--stdin").Trim();

    /// <summary>
    /// <paramref name="baseTree"/> with each entry added or replaced at its slash-separated path (mode 100644 for a
    /// file, 120000 for a symbolic link whose blob is its target), sub-trees made as needed, with <c>git mktree</c>,
    /// which, unlike the index, accepts any name.
    /// </summary>
    public static string TreeWith(TempGitRepo repo, string? baseTree, params (string Path, string Mode, string Blob)[] entries)
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Plumbing(repo, repo.Environment, null, "ls-tree", "-z", baseTree ?? EmptyTree).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            lines[line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..]] = line;
        foreach (var group in entries.GroupBy(e => e.Path.Split('/', 2)[0]))
        {
            var name = group.Key;
            var direct = group.Where(e => !e.Path.Contains('/')).ToArray();
            if (direct.Length > 0)
            {
                lines[name] = $"{direct[^1].Mode} blob {direct[^1].Blob}\t{name}";
                continue;
            }
            string? existing = lines.TryGetValue(name, out var line) && line.Split(' ')[1] == "tree" ? line.Split(' ')[2].Split('\t')[0] : null;
            var sub = TreeWith(repo, existing, group.Select(e => (e.Path.Split('/', 2)[1], e.Mode, e.Blob)).ToArray());
            lines[name] = $"040000 tree {sub}\t{name}";
        }
        var input = string.Concat(lines.Values.Select(l => l + "\0"));
        return Plumbing(repo, repo.Environment, input, "mktree", "-z").Trim();
    }

    private static string Plumbing(TempGitRepo repo, IReadOnlyDictionary<string, string> env, string? stdin, params string[] args)
    {
        var result = ProcessRunner.Run("git", args, repo.Root, env, stdin: stdin);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }
}
