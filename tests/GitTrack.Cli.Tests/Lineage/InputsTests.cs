using System.Globalization;
using System.Text;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Core.Hashing;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Lineage;

/// <summary>
/// Inputs (docs/format.md "Inputs") through the real process: <c>--input</c> files and folders, <c>--store</c>, the
/// Python client's <c>log_input</c>, the stat index that spares re-reading, diff and the query fields.
/// </summary>
public sealed class InputsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public InputsTests()
    {
        _repo.WriteFile(".gitignore", "data/\n");
        _repo.Commit("ignore data");
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gt(params string[] args) => GitTrackProcess.Run(_repo, args);

    private JsonElement Manifest(string name) =>
        RunsOnBranch.Ids(_repo).Select(id => RunsOnBranch.Manifest(_repo, id)).Single(m => m.GetProperty("name").GetString() == name);

    private static string Key(byte[] content) => Blake3Hasher.Hash(content).ToString();

    [Fact]
    public void An_input_file_is_recorded_by_its_blake3_key_and_diff_shows_when_it_changed()
    {
        _repo.WriteFile("data/train.csv", "x,y\n1,2\n");
        Assert.Equal(0, Gt("run", "-n", "v1", "--input", "data/train.csv", "--", "true").ExitCode);
        _repo.WriteFile("data/train.csv", "x,y\n1,3\n");
        Assert.Equal(0, Gt("run", "-n", "v2", "--input", "data/train.csv", "--", "true").ExitCode);

        var diff = Gt("diff", "v1", "v2");
        var show = Gt("show", "v1");

        var input = Assert.Single(Manifest("v1").GetProperty("inputs").EnumerateArray());
        Assert.Equal("data/train.csv", input.GetProperty("path").GetString());
        Assert.Equal(Key(Encoding.UTF8.GetBytes("x,y\n1,2\n")), input.GetProperty("blake3").GetString());
        Assert.Equal(8, input.GetProperty("size").GetInt64());
        Assert.Equal("file", input.GetProperty("kind").GetString());
        Assert.False(input.TryGetProperty("stored", out _));
        Assert.Contains("inputs", diff.Stdout);
        Assert.Contains("~ data/train.csv", diff.Stdout);
        Assert.Contains("data/train.csv  8 B  " + input.GetProperty("blake3").GetString(), show.Stdout);
        // Hashed only, not stored: the cache has no object for it.
        Assert.NotEqual(0, Gt("cache", "cat", input.GetProperty("blake3").GetString()!).ExitCode);
    }

    [Fact]
    public void An_unchanged_input_is_known_from_the_stat_index_without_being_read()
    {
        var path = _repo.WriteFile("data/big.bin", new string('a', 4096));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5)); // older than the racily-clean window
        Assert.Equal(0, Gt("run", "--input", "data/big.bin", "--", "true").ExitCode);
        var index = File.ReadAllText(Path.Combine(_repo.Root, ".git", "gittrack", "stat-index"));
        var key = Key(Encoding.UTF8.GetBytes(new string('a', 4096)));
        Assert.Contains($"{key} 4096 ", index);
        Assert.Contains(" " + path + "\n", index);

        // An index entry that still matches the file is believed: rewrite its key and the next run records that key,
        // which shows the file was not read again (the stat-index contract, docs/format.md).
        var fake = new string('0', 64);
        File.WriteAllText(Path.Combine(_repo.Root, ".git", "gittrack", "stat-index"), index.Replace(key, fake, StringComparison.Ordinal));
        Assert.Equal(0, Gt("run", "-n", "again", "--input", "data/big.bin", "--", "true").ExitCode);
        Assert.Equal(fake, Manifest("again").GetProperty("inputs")[0].GetProperty("blake3").GetString());
    }

    [Fact]
    public void A_folder_input_is_keyed_by_its_listing_and_stored_with_store()
    {
        _repo.WriteFile("data/set/b.csv", "2\n");
        _repo.WriteFile("data/set/a.csv", "1\n");
        _repo.WriteFile("data/set/sub/c.csv", "33\n");

        var result = Gt("run", "--input", "data/set", "--store", "--", "true");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var listing = string.Concat(new[] { ("a.csv", "1\n"), ("b.csv", "2\n"), ("sub/c.csv", "33\n") }.Select(f =>
            $"{Key(Encoding.UTF8.GetBytes(f.Item2))} {f.Item2.Length.ToString(CultureInfo.InvariantCulture)} {f.Item1}\n"));
        var input = Assert.Single(Manifest("run_001").GetProperty("inputs").EnumerateArray());
        Assert.Equal(Key(Encoding.UTF8.GetBytes(listing)), input.GetProperty("blake3").GetString());
        Assert.Equal("folder", input.GetProperty("kind").GetString());
        Assert.Equal(3, input.GetProperty("files").GetInt64());
        Assert.Equal(7, input.GetProperty("size").GetInt64());
        Assert.True(input.GetProperty("stored").GetBoolean());
        Assert.Equal(listing, RunsOnBranch.CacheCat(_repo, input.GetProperty("blake3").GetString()!));
        Assert.Equal("33\n", RunsOnBranch.CacheCat(_repo, Key(Encoding.UTF8.GetBytes("33\n"))));
    }

    [Fact]
    public void The_python_clients_log_input_records_what_the_script_read()
    {
        Requirement.That(ProcessRunner.IsOnPath("python3"), "python3 is not installed");
        _repo.WriteFile("data/train.csv", "x\n1\n");
        _repo.WriteFile("train.py", "import gittrack\ngittrack.log_input('data/train.csv')\ngittrack.log_input('data/train.csv', store=True)\nprint(open('data/train.csv').read())\n");

        var result = Gt("run", "--", "python3", "train.py");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var input = Assert.Single(Manifest("run_001").GetProperty("inputs").EnumerateArray());
        Assert.Equal("data/train.csv", input.GetProperty("path").GetString());
        Assert.True(input.GetProperty("stored").GetBoolean()); // the same path again: the last event wins
        Assert.Equal("x\n1\n", RunsOnBranch.CacheCat(_repo, input.GetProperty("blake3").GetString()!));
    }

    [Fact]
    public void Filters_find_every_run_that_read_a_path_or_one_version_of_it()
    {
        _repo.WriteFile("data/train.csv", "v1\n");
        Assert.Equal(0, Gt("run", "-n", "a", "--input", "data/train.csv", "--", "true").ExitCode);
        _repo.WriteFile("data/train.csv", "v2\n");
        Assert.Equal(0, Gt("run", "-n", "b", "--input", "data/train.csv", "--", "true").ExitCode);
        Assert.Equal(0, Gt("run", "-n", "c", "--", "true").ExitCode);
        var v1 = Key(Encoding.UTF8.GetBytes("v1\n"));

        var byPath = Gt("ls", "--filter", "inputs.path = data/train.csv", "-c", "name");
        var byKey = Gt("ls", "--filter", $"input = {v1[..8].ToUpperInvariant()}", "-c", "name");
        var without = Gt("ls", "--filter", $"input != {v1[..8]}", "-c", "name");

        Assert.Equal(["a", "b"], Names(byPath.Stdout));
        Assert.Equal(["a"], Names(byKey.Stdout));
        Assert.Equal(["b", "c"], Names(without.Stdout));
    }

    private static string[] Names(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim()).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_missing_input_is_refused_before_the_command_starts()
    {
        var result = Gt("run", "--input", "data/nothing.csv", "--", "touch", "ran");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("input not found", result.Stderr);
        Assert.False(File.Exists(_repo.PathOf("ran")));
    }
}
