using System.Security.Cryptography;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Runs pulled from a stranger, planted with git plumbing: artifact, log, skipped and working-directory paths into
/// <c>.git</c> under every name git itself refuses (letter case, trailing dots and spaces, the NTFS short name, HFS+
/// ignorable code points), code snapshots holding such entries or a symbolic link to <c>.git</c>. The payload is a git
/// config whose <c>core.fsmonitor</c> runs a script that touches a marker file, already in the local cache, as the
/// attack needs. Every reading and restoring command must refuse with one clear line, write nothing, and leave
/// <c>git status</c> running nothing.
/// </summary>
public sealed class HostileRunPathTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly string _home;
    private readonly string _marker;
    private readonly string _payloadKey;
    private readonly long _payloadSize;
    private readonly string _good;
    private readonly string _evil;

    public HostileRunPathTests()
    {
        _home = Path.GetDirectoryName(_repo.Root)!;
        _marker = Path.Combine(_home, "fsmonitor-ran");
        var script = Path.Combine(_home, "evil.sh");
        File.WriteAllText(script, $"#!/bin/sh\ntouch '{_marker}'\nexit 1\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var payload = Path.Combine(_home, "payload-config");
        File.WriteAllText(payload, $"[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tfsmonitor = {script}\n");
        var added = GitTrackProcess.Run(_repo, "cache", "add", payload);
        Assert.True(added.ExitCode == 0, added.Stderr);
        _payloadKey = added.Stdout.Split(' ')[0];
        _payloadSize = new FileInfo(payload).Length;

        _repo.WriteFile(".gitignore", "models/\n");
        _repo.WriteFile("train.sh", "mkdir -p models\necho weights > models/model.bin\necho trained\n");
        _repo.Commit("training code");
        _good = Record("good");
        _evil = Record("evil");
    }

    public void Dispose() => _repo.Dispose();

    private string Record(string name)
    {
        var result = GitTrackProcess.Run(_repo, "run", "-n", name, "-a", "models/model.bin", "--", "sh", "train.sh");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return RunsOnBranch.Ids(_repo).Single(id => RunsOnBranch.ManifestText(_repo, id).Contains($"name = \"{name}\"", StringComparison.Ordinal));
    }

    public static TheoryData<string> GitFolderPaths => new()
    {
        ".git",
        ".git/config",
        ".git/commondir",
        ".git/hooks/post-checkout",
        ".GIT/config",
        ".Git/config",
        ".git./config",
        ".git /config",
        ".git. . /config",
        "GIT~1/config",
        "git~1/config",
        ".g\u200Cit/config",
        "\u200E.git/config",
        ".git\uFEFF/config",
        ".gi\u202Et/config",
        "models/.git/config",
    };

    [Theory]
    [MemberData(nameof(GitFolderPaths))]
    public void An_artifact_path_into_the_git_folder_is_refused_by_every_command_and_nothing_is_written(string path)
    {
        BranchTamper.EditManifest(_repo, _evil, text => ReplaceArtifact(text, path));
        RemoveModel();

        AssertEveryCommandRefuses(path, codeIsSafe: true);
    }

    [Theory]
    [InlineData("log", ".git/config")]
    [InlineData("log", "GIT~1/config")]
    [InlineData("skipped", ".git/config")]
    [InlineData("skipped", ".GIT./hooks/pre-commit")]
    [InlineData("working_directory", ".git/hooks")]
    [InlineData("working_directory", ".Git")]
    public void The_log_skipped_files_and_working_directory_are_held_to_the_same_rule(string field, string path)
    {
        BranchTamper.EditManifest(_repo, _evil, text => field switch
        {
            "log" => text.Replace("path = \"output.log\"", $"path = \"{path}\"", StringComparison.Ordinal),
            "skipped" => text.Replace("skipped = []", $"skipped = [\"{path}\"]", StringComparison.Ordinal),
            _ => text.Replace("working_directory = \"\"", $"working_directory = \"{path}\"", StringComparison.Ordinal),
        });
        Assert.Contains(path, RunsOnBranch.ManifestText(_repo, _evil), StringComparison.Ordinal);
        RemoveModel();

        AssertEveryCommandRefuses(path, codeIsSafe: true);
    }

    [Theory]
    [InlineData(".git/config")]
    [InlineData(".GIT/config")]
    [InlineData("GIT~1/config")]
    [InlineData(".git /config")]
    [InlineData(".g\u200Dit/config")]
    [InlineData("sub/.git/config")]
    public void A_code_snapshot_holding_a_git_folder_entry_is_refused_by_checkout_and_rerun(string entry)
    {
        var payloadBlob = BranchTamper.Blob(_repo, File.ReadAllText(Path.Combine(_home, "payload-config")));
        var tree = BranchTamper.TreeWith(_repo, SnapshotTree(), (entry, "100644", payloadBlob));
        BranchTamper.EditManifest(_repo, _evil, text => text.Replace($"tree = \"{SnapshotTree()}\"", $"tree = \"{tree}\"", StringComparison.Ordinal));
        RemoveModel();

        AssertRestoringRefuses(entry, includeArtifactsOnly: false);
    }

    [Fact]
    public void An_artifact_path_through_a_symbolic_link_to_the_git_folder_in_the_snapshot_is_refused()
    {
        var link = BranchTamper.Blob(_repo, ".git");
        var tree = BranchTamper.TreeWith(_repo, SnapshotTree(), ("shortcut", "120000", link));
        BranchTamper.EditManifest(_repo, _evil, text =>
            ReplaceArtifact(text, "shortcut/config").Replace($"tree = \"{SnapshotTree()}\"", $"tree = \"{tree}\"", StringComparison.Ordinal));
        RemoveModel();

        // rerun restores no artifacts: a link to .git alone writes nothing (git allows one; the rerun's .git is a file).
        AssertRestoringRefuses("shortcut/config", includeArtifactsOnly: false, includeRerun: false);
    }

    [Fact]
    public void An_artifact_path_through_a_symbolic_link_to_the_git_folder_on_disk_is_refused_with_artifacts_only()
    {
        BranchTamper.EditManifest(_repo, _evil, text => ReplaceArtifact(text, "shortcut/config"));
        RemoveModel();
        File.CreateSymbolicLink(_repo.PathOf("shortcut"), ".git");
        _repo.WriteFile(".gitignore", "models/\nshortcut\n");
        _repo.Commit("ignore the link");

        foreach (var args in new[] { new[] { "checkout", _evil, "--artifacts-only" }, ["checkout", _evil, "--artifacts-only", "--force"] })
            AssertRefused(args, "shortcut/config");
    }

    [Fact]
    public void A_rerun_whose_working_directory_goes_through_a_symbolic_link_out_of_the_tree_is_refused()
    {
        var outside = Path.Combine(_home, "outside");
        Directory.CreateDirectory(outside);
        var link = BranchTamper.Blob(_repo, outside);
        var tree = BranchTamper.TreeWith(_repo, SnapshotTree(), ("wd", "120000", link));
        BranchTamper.EditManifest(_repo, _evil, text => text
            .Replace($"tree = \"{SnapshotTree()}\"", $"tree = \"{tree}\"", StringComparison.Ordinal)
            .Replace("working_directory = \"\"", "working_directory = \"wd/sub\"", StringComparison.Ordinal));
        var before = Listing(_repo.Root);

        var result = GitTrackProcess.Run(_repo, "rerun", _evil);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("symbolic link 'wd'", OneLine(result), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal(before, Listing(_repo.Root));
        Assert.Single(_repo.Git("worktree", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_planted_payload_would_run_a_command_if_it_reached_a_git_config()
    {
        // The marker check below proves something only if the payload really runs: try it on a scratch repository.
        using var scratch = new TempGitRepo();
        File.Copy(Path.Combine(_home, "payload-config"), Path.Combine(scratch.Root, ".git", "config"), overwrite: true);
        ProcessRunner.Run("git", ["status"], scratch.Root, scratch.Environment);
        Assert.True(File.Exists(_marker), "the fsmonitor payload did not run; the tests that rely on it would prove nothing");
    }

    private void AssertEveryCommandRefuses(string path, bool codeIsSafe)
    {
        foreach (var args in new[] { new[] { "show", _evil }, ["diff", _good, _evil] })
            AssertRefused(args, path);
        AssertRestoringRefuses(path, includeArtifactsOnly: codeIsSafe);
    }

    private void AssertRestoringRefuses(string path, bool includeArtifactsOnly, bool includeRerun = true)
    {
        var worktree = Path.Combine(_home, "restored");
        var commands = new List<string[]>
        {
            new[] { "checkout", _evil },
            new[] { "checkout", _evil, "--force" },
            new[] { "checkout", _evil, "--worktree", worktree },
        };
        if (includeRerun)
            commands.Add(["rerun", _evil]);
        if (includeArtifactsOnly)
        {
            commands.Add(["checkout", _evil, "--artifacts-only"]);
            commands.Add(["checkout", _evil, "--artifacts-only", "--force"]);
        }
        foreach (var args in commands)
        {
            AssertRefused(args, path);
            Assert.False(Path.Exists(worktree), $"{string.Join(' ', args)} made {worktree}");
        }
    }

    private void AssertRefused(string[] args, string path)
    {
        var before = Listing(_repo.Root);
        var head = _repo.Git("rev-parse", "HEAD");

        var result = GitTrackProcess.Run(_repo, args);

        var what = $"{string.Join(' ', args)} with '{path}'";
        Assert.True(result.ExitCode is 1 or 2, $"{what}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        var line = OneLine(result);
        Assert.True(line.Contains("refused", StringComparison.Ordinal), $"{what}: {line}");
        Assert.True(line.Contains("git folder", StringComparison.Ordinal) || line.Contains("symbolic link", StringComparison.Ordinal), $"{what}: {line}");
        Assert.Equal(before, Listing(_repo.Root));
        Assert.Equal(head, _repo.Git("rev-parse", "HEAD"));
        Assert.Single(_repo.Git("worktree", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The next git command the user types runs nothing of the stranger's.
        ProcessRunner.Run("git", ["status"], _repo.Root, _repo.Environment);
        Assert.False(File.Exists(_marker), $"{what}: the planted fsmonitor command ran");
    }

    private static string OneLine(ProcessResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("gittrack: warning:", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(lines);
        Assert.StartsWith("gittrack: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", line, StringComparison.Ordinal);
        return line;
    }

    private string ReplaceArtifact(string text, string path)
    {
        var start = text.IndexOf("[[artifacts]]", StringComparison.Ordinal);
        var end = text.IndexOf("\n[", start + 1, StringComparison.Ordinal);
        var artifact = $"[[artifacts]]\npath = \"{path}\"\nblake3 = \"{_payloadKey}\"\nsize = {_payloadSize}\n";
        return text[..start] + artifact + (end < 0 ? "" : text[end..]);
    }

    private string SnapshotTree() =>
        RunsOnBranch.ManifestText(_repo, _evil).Split('\n').Single(l => l.StartsWith("tree = ", StringComparison.Ordinal))[8..^1];

    /// <summary>With the model gone, a checkout that went through would have to write; one that is refused writes nothing.</summary>
    private void RemoveModel() => File.Delete(_repo.PathOf("models/model.bin"));

    /// <summary>
    /// Every entry under <paramref name="root"/>, .git included (its config, hooks, HEAD, a commondir that should not
    /// be there), with content hashes; GitTrack's own folder and git's index (which any git status refreshes) aside.
    /// </summary>
    private static string Listing(string root)
    {
        var lines = new List<string>();
        var folders = new Stack<string>([root]);
        while (folders.Count > 0)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folders.Pop()))
            {
                var relative = Path.GetRelativePath(root, entry).Replace('\\', '/');
                if (relative is ".git/gittrack" or ".git/index" or ".git/logs" or ".git/objects" || relative.EndsWith(".lock", StringComparison.Ordinal))
                    continue;
                var info = new FileInfo(entry);
                if (info.LinkTarget is { } target)
                    lines.Add($"{relative} -> {target}");
                else if (info.Exists)
                    lines.Add($"{relative} {info.Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry)))}");
                else
                {
                    lines.Add($"{relative}/");
                    folders.Push(entry);
                }
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
