using GitTrack.Core.Errors;
using GitTrack.Core.Storage;
using GitTrack.Core.Storage.Git;
using GitTrack.Tests.Shared;
using LibGit2Sharp;

namespace GitTrack.Core.Tests.Errors;

/// <summary>
/// Real faults from the file system, libgit2 and git, and the GitTrack errors they become: what the CLI prints and
/// the web API sends, with the file or object named and what to do.
/// </summary>
public sealed class GitErrorsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static Exception Caught(Action action) => Assert.ThrowsAny<Exception>(action);

    [SkippableFact]
    public void A_full_disk_is_a_disk_full_fault_naming_the_file()
    {
        Requirement.That(File.Exists("/dev/full"), "needs /dev/full, which fails every write with ENOSPC");
        var fault = Caught(() => File.WriteAllBytes("/dev/full", new byte[4096]));

        var error = Assert.IsType<IOFaultException>(GitErrors.Translate(fault));
        Assert.Equal(IOFault.DiskFull, error.Kind);
        Assert.Contains("the disk is full", error.Message, StringComparison.Ordinal);
        Assert.Contains("free some space", error.Hint, StringComparison.Ordinal);
        Assert.Same(fault, error.InnerException);
    }

    [Fact]
    public void A_held_ref_lock_is_a_conflict_that_names_the_lock_file()
    {
        _repo.WriteFile(".git/refs/heads/gittrack/runs.lock", "");
        using var repository = new Repository(_repo.Root);
        var fault = Caught(() => repository.Refs.Add("refs/heads/gittrack/runs", repository.Head.Tip.Id));

        var error = Assert.IsType<ConflictException>(GitErrors.Translate(fault));
        Assert.Equal("the runs branch (gittrack/runs) is locked by another git process", error.Message);
        Assert.Contains($"delete {_repo.PathOf(".git/refs/heads/gittrack/runs.lock")}", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_object_is_corrupt_data_that_names_the_object()
    {
        var blob = _repo.Git("rev-parse", "HEAD:README.md").Trim();
        File.Delete(_repo.PathOf($".git/objects/{blob[..2]}/{blob[2..]}"));
        using var repository = new Repository(_repo.Root);
        var fault = Caught(() => ((Blob)repository.Head.Tip["README.md"].Target).GetContentText());

        var error = Assert.IsType<CorruptDataException>(GitErrors.Translate(fault));
        Assert.Equal($"the repository is missing git object {blob}", error.Message);
        Assert.Contains("git fsck", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_git_command_names_the_command_and_its_first_line()
    {
        var fault = Caught(() => GitCli.Check(_repo.Root, null, "cat-file", "-p", "no-such-object"));

        var error = Assert.IsType<IOFaultException>(GitErrors.Translate(fault));
        Assert.StartsWith("git cat-file failed (128): fatal:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gittrack_error_stays_itself_and_a_bug_is_not_translated()
    {
        var known = new GitTrack.Core.Errors.NotFoundException("no run 'x'");
        Assert.Same(known, GitErrors.Translate(known));
        Assert.Null(GitErrors.Translate(new InvalidOperationException("a bug")));
        Assert.Null(GitErrors.Translate(new NullReferenceException()));
    }
}
