using GitTrack.Core.Errors;
using GitTrack.Core.Storage;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Storage;

public sealed class WorkTreeSnapshotTests
{
    [Fact]
    public void Snapshot_captures_every_kind_of_change_without_touching_index_or_files()
    {
        using var repo = new TempGitRepo(withCommit: false);
        repo.WriteFile("README.md", "# test\n");
        repo.WriteFile("gone.txt", "to be deleted\n");
        repo.WriteFile(".gitignore", "*.log\n");
        repo.WriteFile("train.sh", "#!/bin/sh\necho hi\n");
        repo.Commit("initial");
        var head = repo.Git("rev-parse", "HEAD").Trim();

        repo.WriteFile("README.md", "# changed\n");
        repo.WriteFile("staged.py", "print(1)\n");
        repo.Git("add", "staged.py");
        File.Delete(repo.PathOf("gone.txt"));
        repo.WriteFile("untracked/new.py", "print(2)\n");
        repo.WriteFile("data.bin", [0, 1, 2, 0, 255, 0]);
        repo.WriteFile("debug.log", "ignored\n");
        repo.WriteFile("big.dat", new byte[5000]);
        ProcessRunner.Run("chmod", ["+x", repo.PathOf("train.sh")], repo.Root);
        File.CreateSymbolicLink(repo.PathOf("link"), "README.md");

        var statusBefore = repo.Git("status", "--porcelain=v2", "--untracked-files=all");
        var indexBefore = File.ReadAllBytes(repo.PathOf(".git/index"));

        var source = WorkTreeSnapshot.Capture(GitDirectories.Discover(repo.Root), maxUntrackedBytes: 1000);

        Assert.Equal(statusBefore, repo.Git("status", "--porcelain=v2", "--untracked-files=all"));
        Assert.Equal(indexBefore, File.ReadAllBytes(repo.PathOf(".git/index")));
        Assert.Equal(head, source.Commit);
        Assert.Equal("main", source.Branch);
        Assert.True(source.Dirty);
        Assert.Equal(["big.dat"], source.SkippedFiles);

        var entries = repo.Git("ls-tree", "-r", source.Tree).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Mode: line[..6], Path: line.Split('\t')[1])).ToDictionary(e => e.Path, e => e.Mode);
        Assert.Equal(new[] { "link", "train.sh", "README.md", ".gitignore", "data.bin", "staged.py", "untracked/new.py" }.Order(StringComparer.Ordinal),
            entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("100755", entries["train.sh"]);
        Assert.Equal("120000", entries["link"]);
        Assert.Equal("# changed\n", repo.Git("cat-file", "blob", $"{source.Tree}:README.md"));
        Assert.Equal("README.md", repo.Git("cat-file", "blob", $"{source.Tree}:link"));
        Assert.Equal("6", repo.Git("cat-file", "-s", $"{source.Tree}:data.bin").Trim());
    }

    [Fact]
    public void Clean_work_tree_snapshot_is_the_head_tree_and_not_dirty()
    {
        using var repo = new TempGitRepo();
        var source = WorkTreeSnapshot.Capture(GitDirectories.Discover(repo.Root));
        Assert.False(source.Dirty);
        Assert.Equal(repo.Git("rev-parse", "HEAD^{tree}").Trim(), source.Tree);
        Assert.Empty(source.SkippedFiles);
        Assert.Null(source.Remote);
    }

    [Fact]
    public void Snapshot_refuses_a_repository_without_commits()
    {
        using var repo = new TempGitRepo(withCommit: false);
        var error = Assert.Throws<InvalidInputException>(() => WorkTreeSnapshot.Capture(GitDirectories.Discover(repo.Root)));
        Assert.Contains("no commit", error.Message, StringComparison.Ordinal);
        Assert.Contains("first commit", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_records_the_remote_without_credentials()
    {
        using var repo = new TempGitRepo();
        repo.Git("remote", "add", "origin", "https://alice:s3cret-token@example.com/team/project.git");
        var source = WorkTreeSnapshot.Capture(GitDirectories.Discover(repo.Root));
        Assert.Equal("https://example.com/team/project.git", source.Remote);
    }

    [Theory]
    [InlineData("https://user:tok@host/x", "https://host/x")]
    [InlineData("https://ghp_abc@github.com/o/r.git", "https://github.com/o/r.git")]
    [InlineData("https://host/x?private_token=abc#frag", "https://host/x")]
    [InlineData("ssh://git@host:22/x.git", "ssh://git@host:22/x.git")]
    [InlineData("ssh://git:pw@host:22/x.git", "ssh://host:22/x.git")]
    [InlineData("https://u:p@host", "https://host")]
    [InlineData("git@github.com:o/r.git", "git@github.com:o/r.git")]
    [InlineData("/srv/git/x.git", "/srv/git/x.git")]
    public void Remote_urls_lose_user_password_and_token(string url, string expected) =>
        Assert.Equal(expected, GitTrack.Core.Runs.Capture.UrlCredentials.Strip(url));
}
