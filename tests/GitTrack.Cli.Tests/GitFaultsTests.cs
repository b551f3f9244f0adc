using System.Net;
using System.Text;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// Real faults under the real <c>gittrack</c> and <c>gittrack ui</c>: a read-only object folder, a deleted object, a
/// held ref lock. Each is one line on stderr, <c>gittrack: &lt;what&gt; (&lt;what to do&gt;)</c>, never an internal
/// error, exit 1; the web API answers with the same line as JSON and a fitting status, never a bare 500.
/// </summary>
public sealed class GitFaultsTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public GitFaultsTests()
    {
        TrainingScript.AddTo(_repo);
        TrainingScript.Run(_repo, "first", 0.1);
    }

    public void Dispose() => _repo.Dispose();

    private string RunId => RunsOnBranch.SingleId(_repo);

    private static string OnlyLine(ProcessResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{result.Stderr}");
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("gittrack: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    /// <summary>Deletes the loose object of the run's manifest; returns its id.</summary>
    private string DeleteManifestObject()
    {
        var entry = _repo.Git("ls-tree", "-r", "refs/heads/gittrack/runs").Split('\n')
            .Single(l => l.Contains(RunId, StringComparison.Ordinal) && l.EndsWith("/manifest.toml", StringComparison.Ordinal));
        var blob = entry.Split([' ', '\t'])[2];
        File.Delete(_repo.PathOf($".git/objects/{blob[..2]}/{blob[2..]}"));
        return blob;
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_read_only_object_folder_is_one_line_saying_what_cannot_be_written()
    {
        bool root = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        // Root writes anywhere: it gives up the capabilities that let it (util-linux's setpriv) to meet the permissions.
        Requirement.That(!root || ProcessRunner.IsOnPath("setpriv"), "setpriv (util-linux) is needed to drop root's file capabilities");
        var objects = _repo.PathOf(".git/objects");
        var folders = Directory.GetDirectories(objects, "*", SearchOption.AllDirectories).Append(objects).ToList();
        foreach (var folder in folders)
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            string[] command = [.. GitTrackProcess.CommandLine, "tag", RunId, "stage=final"];
            if (root)
                command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", .. command];
            var result = ProcessRunner.Run(command[0], command[1..], _repo.Root, _repo.Environment);

            Assert.Equal(1, result.ExitCode);
            var line = OnlyLine(result);
            Assert.StartsWith($"gittrack: cannot write {objects}/", line, StringComparison.Ordinal);
            Assert.Contains(": permission denied (make it writable for you", line, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var folder in folders)
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void A_missing_object_is_one_line_naming_it_with_exit_1()
    {
        var blob = DeleteManifestObject();

        var result = GitTrackProcess.Run(_repo, "show", RunId);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"gittrack: the repository is missing git object {blob} (", OnlyLine(result), StringComparison.Ordinal);
        Assert.Contains("git fsck", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_held_ref_lock_is_one_line_saying_which_file_to_delete_with_exit_1()
    {
        var lockFile = _repo.WriteFile(".git/refs/heads/gittrack/runs.lock", "");

        var result = GitTrackProcess.Run(_repo, "tag", RunId, "stage=final");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"gittrack: the runs branch (gittrack/runs) is locked by another git process "
            + $"(wait for the other git command to finish; if none is running, delete {lockFile})", OnlyLine(result));
    }

    [Fact]
    public async Task The_web_api_answers_a_missing_object_with_the_same_line_as_json()
    {
        using var ui = new UiProcess(_repo);
        // The run is listed before its object goes: the server meets the fault reading it.
        using (var list = await ui.Client.GetAsync("/api/runs"))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var blob = DeleteManifestObject();
        var cli = OnlyLine(GitTrackProcess.Run(_repo, "show", RunId));

        using var response = await ui.Client.GetAsync($"/api/runs/{RunId}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var error = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"the repository is missing git object {blob}", error.GetProperty("error").GetString());
        Assert.Equal(cli, $"gittrack: {error.GetProperty("error").GetString()} ({error.GetProperty("hint").GetString()})");
    }

    [Fact]
    public async Task The_web_api_answers_an_edit_under_a_held_ref_lock_with_409_and_the_same_line()
    {
        using var ui = new UiProcess(_repo, "--allow-edits");
        using var session = await ui.Client.GetAsync("/api/session");
        var token = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        _repo.WriteFile(".git/refs/heads/gittrack/runs.lock", "");
        var cli = OnlyLine(GitTrackProcess.Run(_repo, "note", RunId, "from the command line"));

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{RunId}/edit")
        {
            Content = new StringContent("""{"note":"from the page"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-GitTrack-Token", token);
        using var response = await ui.Client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = JsonDocument.Parse(text).RootElement;
        Assert.Equal("the runs branch (gittrack/runs) is locked by another git process", error.GetProperty("error").GetString());
        Assert.Equal(cli, $"gittrack: {error.GetProperty("error").GetString()} ({error.GetProperty("hint").GetString()})");
    }
}
