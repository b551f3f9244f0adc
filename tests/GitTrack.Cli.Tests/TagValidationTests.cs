using System.Net;
using System.Text;
using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// One validation for tags, whoever sets them: what <c>gittrack tag</c> refuses, the web UI's edit endpoint refuses
/// too (and the other way round), before anything is committed; both store the same trimmed key and mask the same
/// secret values.
/// </summary>
public sealed class TagValidationTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public TagValidationTests() => TrainingScript.AddTo(_repo);

    public void Dispose() => _repo.Dispose();

    public static TheoryData<string> BadKeys => new() { "", "   ", "a\nb", "a\rb", "a\tb", "k\u001b[31m", "k\u0085x" };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_key_gittrack_tag_refuses_is_refused_by_the_edit_endpoint_and_nothing_is_committed(string key)
    {
        TrainingScript.Run(_repo, "r", 0.1);
        var tip = Tip();

        var cli = GitTrackProcess.Run(_repo, "tag", "r", $"{key}=value");

        Assert.Equal(2, cli.ExitCode);
        Assert.StartsWith("gittrack: ", cli.Stderr, StringComparison.Ordinal);
        Assert.Equal(tip, Tip());

        using var ui = new UiProcess(_repo, "--allow-edits");
        var id = RunsOnBranch.SingleId(_repo);
        using var response = await Post(ui, id, JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string>> { ["set_tags"] = new() { [key] = "value" } }));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Contains("tag key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(tip, Tip());
    }

    [Theory]
    [InlineData("""{"set_tags":{"k":1}}""")]
    [InlineData("""{"set_tags":["k"]}""")]
    [InlineData("""{"remove_tags":[1]}""")]
    [InlineData("""{"remove_tags":"k"}""")]
    [InlineData("""{"note":5}""")]
    [InlineData("""{"set_tags":{"a=b":"x"}}""")]
    [InlineData("""{"set_tags":{"nul\u0000":"x"}}""")]
    [InlineData("""[]""")]
    public async Task An_edit_of_the_wrong_shape_is_a_400_and_changes_nothing(string body)
    {
        TrainingScript.Run(_repo, "r", 0.1);
        var tip = Tip();
        using var ui = new UiProcess(_repo, "--allow-edits");

        using var response = await Post(ui, RunsOnBranch.SingleId(_repo), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(tip, Tip());
    }

    [Fact]
    public async Task Both_store_the_same_trimmed_key_and_mask_the_same_secret_value()
    {
        TrainingScript.Run(_repo, "cli", 0.1);
        TrainingScript.Run(_repo, "web", 0.2);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "tag", "cli", " stage =final", "api_key=abcdef123456").ExitCode);
        using (var ui = new UiProcess(_repo, "--allow-edits"))
        {
            var web = RunsOnBranch.Ids(_repo).Single(i => RunsOnBranch.ManifestText(_repo, i).Contains("name = \"web\"", StringComparison.Ordinal));
            using var response = await Post(ui, web, """{"set_tags":{" stage ":"final","api_key":"abcdef123456"}}""");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        foreach (var id in RunsOnBranch.Ids(_repo))
        {
            var tags = RunsOnBranch.Shown(_repo, id).GetProperty("tags");
            Assert.Equal("final", tags.GetProperty("stage").GetString());
            Assert.Equal("***", tags.GetProperty("api_key").GetString());
        }
        Assert.DoesNotContain("abcdef123456", _repo.Git("log", "-p", RunsOnBranch.Branch), StringComparison.Ordinal);
    }

    private string Tip() => _repo.Git("rev-parse", $"refs/heads/{RunsOnBranch.Branch}").Trim();

    private static async Task<HttpResponseMessage> Post(UiProcess ui, string id, string body)
    {
        using var session = await ui.Client.GetAsync("/api/session");
        var token = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{id}/edit") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitTrack-Token", token);
        return await ui.Client.SendAsync(request);
    }
}
