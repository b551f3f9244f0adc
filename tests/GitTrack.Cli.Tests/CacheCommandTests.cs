using System.Text;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Hashing;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary><c>gittrack cache add|cat|verify</c> run as the real process in real repositories.</summary>
public sealed class CacheCommandTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string ObjectPath(string key) => _repo.PathOf($".git/gittrack/objects/{key[..2]}/{key[2..]}");

    [Fact]
    public void Add_prints_key_and_path_like_b3sum_and_cat_writes_the_content_back()
    {
        _repo.WriteFile("metrics.csv", "step,loss\n1,0.5\n2,0.25\n");
        _repo.WriteFile("sub/notes.txt", "hello\n");

        var add = GitTrackProcess.Run(_repo, "cache", "add", "metrics.csv", "sub/notes.txt");

        Assert.Equal(0, add.ExitCode);
        var metricsKey = Blake3Hasher.Hash("step,loss\n1,0.5\n2,0.25\n"u8).ToString();
        var notesKey = Blake3Hasher.Hash("hello\n"u8).ToString();
        Assert.Equal([$"{metricsKey}  metrics.csv", $"{notesKey}  sub/notes.txt"], Lines(add.Stdout));
        Assert.Equal("", add.Stderr);

        var cat = GitTrackProcess.Run(_repo, "cache", "cat", metricsKey[..8]);
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal("step,loss\n1,0.5\n2,0.25\n", cat.Stdout);
    }

    [Fact]
    public void Cat_in_process_writes_text_content_to_the_context_output()
    {
        _repo.WriteFile("notes.txt", "naïve café\n");
        var key = GitTrackProcess.Run(_repo, "cache", "add", "notes.txt").Stdout[..64];
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CommandContext { Out = output, Error = error, WorkingDirectory = _repo.Root };

        int exit = CliApp.Run(["cache", "cat", key[..10]], context);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Equal("naïve café\n", output.ToString());
    }

    [Fact]
    public void Cat_to_a_file_restores_binary_content_exactly()
    {
        var content = new byte[3_000_000];
        new Random(3).NextBytes(content);
        _repo.WriteFile("model.bin", content);
        var key = Lines(GitTrackProcess.Run(_repo, "cache", "add", "model.bin").Stdout)[0][..64];

        var cat = GitTrackProcess.Run(_repo, "cache", "cat", key, "-o", "restored/model.bin");

        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(content, File.ReadAllBytes(_repo.PathOf("restored/model.bin")));
    }

    [Fact]
    public void Verify_passes_on_intact_objects_with_a_one_line_summary()
    {
        _repo.WriteFile("a.txt", "a");
        _repo.WriteFile("b.txt", "b");
        GitTrackProcess.Run(_repo, "cache", "add", "a.txt", "b.txt");

        var verify = GitTrackProcess.Run(_repo, "cache", "verify");

        Assert.Equal(0, verify.ExitCode);
        var summary = Assert.Single(Lines(verify.Stdout));
        Assert.StartsWith("verified 2 objects", summary);
        Assert.Equal("", verify.Stderr);
    }

    [Fact]
    public void Verify_exits_1_naming_every_corrupt_object_and_cat_refuses_it()
    {
        _repo.WriteFile("a.txt", "first file");
        _repo.WriteFile("b.txt", "second file");
        _repo.WriteFile("c.txt", "third file");
        var keys = Lines(GitTrackProcess.Run(_repo, "cache", "add", "a.txt", "b.txt", "c.txt").Stdout).Select(l => l[..64]).ToArray();
        foreach (var key in keys[..2])
        {
            File.SetAttributes(ObjectPath(key), FileAttributes.Normal);
            File.WriteAllBytes(ObjectPath(key), File.ReadAllBytes(ObjectPath(keys[2])));
        }

        var verify = GitTrackProcess.Run(_repo, "cache", "verify");

        Assert.Equal(1, verify.ExitCode);
        var errors = Lines(verify.Stderr);
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, l => l.StartsWith($"gittrack: corrupt object {keys[0]}"));
        Assert.Contains(errors, l => l.StartsWith($"gittrack: corrupt object {keys[1]}"));

        var cat = GitTrackProcess.Run(_repo, "cache", "cat", keys[0], "-o", "out.txt");
        Assert.Equal(1, cat.ExitCode);
        Assert.StartsWith($"gittrack: corrupt object {keys[0]}", Assert.Single(Lines(cat.Stderr)));
        Assert.False(File.Exists(_repo.PathOf("out.txt")));
        Assert.Equal(0, GitTrackProcess.Run(_repo, "cache", "verify", keys[2][..6]).ExitCode);
    }

    [Theory]
    [InlineData("add", "missing.txt")]
    [InlineData("cat", "abcdef12")]
    [InlineData("cat", "not-hex")]
    [InlineData("verify", "abcdef12")]
    [InlineData("add", "sub")]
    public void Bad_input_is_one_line_with_exit_2(string verb, string argument)
    {
        Directory.CreateDirectory(_repo.PathOf("sub"));
        var result = GitTrackProcess.Run(_repo, "cache", verb, argument);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.Stderr));
        Assert.StartsWith("gittrack: ", line);
        Assert.Contains(argument, line);
    }

    [Fact]
    public void Missing_file_among_several_is_reported_before_anything_is_added()
    {
        _repo.WriteFile("a.txt", "a");
        var result = GitTrackProcess.Run(_repo, "cache", "add", "a.txt", "typo.txt");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gittrack: no such file: typo.txt (check the path)", Assert.Single(Lines(result.Stderr)));
        Assert.False(Directory.Exists(_repo.PathOf(".git/gittrack/objects")));
    }

    [SkippableFact]
    public void A_process_killed_while_adding_leaves_no_object_and_a_later_add_succeeds()
    {
        Requirement.That(ProcessRunner.IsOnPath("mkfifo"), "needs mkfifo");
        // A named pipe lets the test hold the add in the middle of its content, deterministically.
        var fifo = _repo.PathOf("stream.bin");
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [fifo], _repo.Root).ExitCode);
        var chunk = new byte[12 << 20];
        new Random(5).NextBytes(chunk);

        var info = new System.Diagnostics.ProcessStartInfo(GitTrackProcess.CommandLine[0])
        {
            WorkingDirectory = _repo.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in GitTrackProcess.CommandLine[1..].Concat(["cache", "add", "stream.bin"]))
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in _repo.Environment)
            info.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(info)!;
        var tempFolder = _repo.PathOf(".git/gittrack/objects/tmp");
        using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            writer.Write(chunk); // more than one 8 MiB block: the first is written to the temporary file
            writer.Flush();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(Directory.Exists(tempFolder) && Directory.EnumerateFiles(tempFolder).Any(f => new FileInfo(f).Length > 0)))
            {
                Assert.True(DateTime.UtcNow < deadline, "the add never started writing");
                Thread.Sleep(20);
            }
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var objects = _repo.PathOf(".git/gittrack/objects");
        Assert.DoesNotContain(Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories), f => Path.GetDirectoryName(f) != tempFolder);
        Assert.NotEmpty(Directory.EnumerateFiles(tempFolder));

        File.Delete(fifo);
        _repo.WriteFile("stream.bin", chunk);
        var add = GitTrackProcess.Run(_repo, "cache", "add", "stream.bin");
        Assert.Equal(0, add.ExitCode);
        Assert.Equal($"{Blake3Hasher.Hash(chunk)}  stream.bin", Lines(add.Stdout)[0]);
        var verify = GitTrackProcess.Run(_repo, "cache", "verify");
        Assert.Equal(0, verify.ExitCode);
        Assert.StartsWith("verified 1 object", verify.Stdout);
    }

    [Fact]
    public void Ambiguous_prefix_exits_2_listing_the_candidates()
    {
        _repo.WriteFile("a.txt", "a");
        var key = GitTrackProcess.Run(_repo, "cache", "add", "a.txt").Stdout[..64];
        var twin = key[..5] + (key[5] == '0' ? new string('1', 59) : new string('0', 59));
        File.Copy(ObjectPath(key), ObjectPath(twin));

        var result = GitTrackProcess.Run(_repo, "cache", "cat", key[..5]);

        Assert.Equal(2, result.ExitCode);
        var lines = Lines(result.Stderr);
        Assert.Contains("ambiguous", lines[0]);
        Assert.Equal(new[] { key, twin }.Order(StringComparer.Ordinal).Select(k => $"  {k}"), lines[1..]);
    }

    [Theory]
    [InlineData("add", "file.txt")]
    [InlineData("cat", "abcd")]
    [InlineData("verify")]
    public void Outside_a_git_repository_every_command_says_so_with_exit_2(params string[] args)
    {
        var outside = Path.Combine(Path.GetTempPath(), "gittrack-tests", "outside-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(outside);
        try
        {
            File.WriteAllText(Path.Combine(outside, "file.txt"), "x");
            var result = GitTrackProcess.RunIn(outside, _repo.Environment, ["cache", .. args]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("not a git repository", Assert.Single(Lines(result.Stderr)));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void A_linked_worktree_shares_the_cache_of_its_repository()
    {
        _repo.WriteFile("data.csv", "shared\n");
        var key = GitTrackProcess.Run(_repo, "cache", "add", "data.csv").Stdout[..64];
        var worktree = _repo.PathOf("../wt");
        _repo.Git("worktree", "add", "-q", worktree, "-b", "other");

        var cat = GitTrackProcess.RunIn(worktree, _repo.Environment, "cache", "cat", key[..6]);

        Assert.Equal(0, cat.ExitCode);
        Assert.Equal("shared\n", cat.Stdout);
    }

    [Fact]
    public void Several_processes_adding_the_same_file_at_once_store_one_intact_object()
    {
        var content = new byte[24 << 20];
        new Random(11).NextBytes(content);
        Array.Fill(content, (byte)'x', 0, 12 << 20); // compressible first half: exercises the multithreaded encoder
        _repo.WriteFile("weights.bin", content);
        var expected = Blake3Hasher.Hash(content).ToString();

        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => GitTrackProcess.Run(_repo, "cache", "add", "weights.bin")).ToList();

        Assert.All(results, r => Assert.Equal((0, $"{expected}  weights.bin\n"), (r.ExitCode, r.Stdout)));
        Assert.Empty(Directory.EnumerateFiles(_repo.PathOf(".git/gittrack/objects/tmp")));
        Assert.Single(Directory.EnumerateFiles(_repo.PathOf(".git/gittrack/objects"), "*", SearchOption.AllDirectories));
        Assert.Equal(0, GitTrackProcess.Run(_repo, "cache", "verify").ExitCode);
    }
}
