using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Runs.Capture;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// Captures the code a run runs: the whole work tree (modified, added, deleted, untracked non-ignored files, binary
/// files, exec bits, symlinks) as a git tree object, plus HEAD, branch, credential-free remote and dirty flag.
/// Works as <c>git stash create</c> does but with untracked files: <c>git add -A</c> into a copy of the index
/// (the copy keeps git's stat cache, so unchanged files are not re-hashed) and <c>git write-tree</c>. The user's
/// index, HEAD and files are never touched. Untracked files above the size cap are left out and named.
/// </summary>
public static class WorkTreeSnapshot
{
    /// <summary>Untracked files larger than this stay out of the snapshot (they belong in artifacts).</summary>
    public const long DefaultMaxUntrackedBytes = 10L * 1024 * 1024;

    public static SourceInfo Capture(GitDirectories directories, long maxUntrackedBytes = DefaultMaxUntrackedBytes)
    {
        // One process for both ids: every process started costs a run's start-up time (docs/benchmarks.md, "Runs").
        var head = GitRepository.Head(directories) ?? throw NoCommit();
        // The remote settings and the secret-file patterns, in one git process.
        return Capture(directories, Task.FromResult(ReadConfig(directories)), Task.FromResult<(string, string)?>(head), maxUntrackedBytes);
    }

    /// <summary>
    /// As above, with the settings and HEAD read elsewhere meanwhile (a recorder reads its settings in one git process
    /// and HEAD through libgit2): three git processes (<c>ls-files</c>, <c>add</c>, <c>write-tree</c>), which start
    /// before <paramref name="config"/> and <paramref name="head"/> are known and wait for them only when they need them.
    /// </summary>
    public static SourceInfo Capture(GitDirectories directories, Task<List<KeyValuePair<string, string>>> config,
        Task<(string Commit, string Tree)?> head, long maxUntrackedBytes = DefaultMaxUntrackedBytes)
    {
        var root = directories.WorkTree;
        var untracked = GitRepository.UntrackedFiles(directories);
        var settings = config.GetAwaiter().GetResult();
        var secretFiles = SecretFiles.FromConfig(settings.Where(p => p.Key == "gittrack.secretfiles").Select(p => p.Value));
        var skipped = new List<string>();
        var secrets = new List<string>();
        foreach (var path in untracked)
        {
            // Untracked files named like keys or credentials never reach the branch (docs/format.md, "The code snapshot").
            if (secretFiles.Match(path) is not null)
            {
                skipped.Add(path);
                secrets.Add(path);
                continue;
            }
            var info = new FileInfo(Path.Combine(root, path));
            if (info.LinkTarget is null && info.Exists && info.Length > maxUntrackedBytes)
                skipped.Add(path);
        }
        skipped.Sort(StringComparer.Ordinal);

        var scratch = Path.Combine(directories.GitTrackDir, "tmp");
        Directory.CreateDirectory(scratch);
        var token = Guid.NewGuid().ToString("N");
        var tempIndex = Path.Combine(scratch, $"index-{token}");
        var pathspecFile = Path.Combine(scratch, $"pathspec-{token}");
        string tree;
        try
        {
            var userIndex = Path.Combine(directories.GitDir, "index");
            if (File.Exists(userIndex))
                File.Copy(userIndex, tempIndex);
            // Pathspecs go through a file: thousands of skipped files would not fit on a command line.
            // "literal" so a file named '*.bin' excludes only itself; "top" so paths are from the work tree root.
            var pathspecs = new List<string> { ":(top)" };
            pathspecs.AddRange(skipped.Select(p => $":(top,literal,exclude){p}"));
            File.WriteAllText(pathspecFile, string.Join('\0', pathspecs) + "\0");
            tree = GitRepository.StageWorkTree(directories, tempIndex, pathspecFile);
        }
        finally
        {
            TryDelete(tempIndex);
            TryDelete(tempIndex + ".lock");
            TryDelete(pathspecFile);
        }

        string? branch = null;
        var headFile = Path.Combine(directories.GitDir, "HEAD");
        var headText = File.Exists(headFile) ? File.ReadAllText(headFile).Trim() : "";
        const string refPrefix = "ref: refs/heads/";
        if (headText.StartsWith(refPrefix, StringComparison.Ordinal))
            branch = headText[refPrefix.Length..];

        var (commit, headTree) = head.GetAwaiter().GetResult() ?? throw NoCommit();
        return new SourceInfo
        {
            Commit = commit,
            Branch = branch,
            Remote = RemoteUrl(settings, branch),
            Dirty = tree != headTree || skipped.Count > 0,
            Tree = tree,
            SkippedFiles = skipped,
            SecretFiles = secrets,
        };
    }

    private static InvalidInputException NoCommit() =>
        new("the repository has no commit yet, so a run's code has no base", "make a first commit: git add -A && git commit -m 'first commit'");

    /// <summary>The settings the snapshot reads (names as git lists them, lowercase), in git's order.</summary>
    private static List<KeyValuePair<string, string>> ReadConfig(GitDirectories directories) =>
        [.. GitRepository.ConfigValues(directories, @"^(branch\..*\.remote|remote\..*\.url|gittrack\.secretfiles)$")
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value))];

    /// <summary>The URL of the branch's upstream remote, else of <c>origin</c>, with credentials removed; null when none.</summary>
    private static string? RemoteUrl(List<KeyValuePair<string, string>> config, string? branch)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
            values.TryAdd(key, value);
        var remote = branch is not null && values.TryGetValue($"branch.{branch}.remote", out var r) ? r : "origin";
        return values.TryGetValue($"remote.{remote}.url", out var url) ? Runs.Capture.UrlCredentials.Strip(url) : null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temp file in .git/gittrack/tmp harms nothing.
        }
    }
}
