using System.Text.Json;
using System.Text.Json.Nodes;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests;

/// <summary>
/// The command line and the web API list and compare through the same application layer (Core's Listing): on the
/// same recorded runs, <c>gittrack compare --json</c> and <c>GET /api/compare</c> give the same rows and the same
/// "differs", and <c>gittrack ls --json</c> and <c>GET /api/runs</c> the same runs in the same order.
/// </summary>
public sealed class ListingAgreementTests : IDisposable
{
    private readonly TempGitRepo _repo = new();

    public ListingAgreementTests() => TrainingScript.AddTo(_repo);

    public void Dispose() => _repo.Dispose();

    private static async Task<JsonNode> GetJson(UiProcess ui, string path)
    {
        using var response = await ui.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private JsonNode Cli(params string[] args)
    {
        var result = GitTrackProcess.Run(_repo, args);
        Assert.True(result.ExitCode == 0, $"gittrack {string.Join(' ', args)}: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!;
    }

    [Fact]
    public async Task Compare_json_and_the_web_api_give_the_same_rows_and_the_same_differences()
    {
        // epochs is an integer in one run and a float in another; tags on one run only; lr differs; the note is on one.
        TrainingScript.Run(_repo, "base", 0.1, extra: ["-p", "epochs=10", "-t", "stage=baseline"]);
        TrainingScript.Run(_repo, "float-epochs", 0.1, extra: ["-p", "epochs=10.0"]);
        TrainingScript.Run(_repo, "faster", 0.5, extra: ["-p", "epochs=10"]);
        Assert.Equal(0, GitTrackProcess.Run(_repo, "note", "faster", "tried a higher rate").ExitCode);
        var names = new[] { "base", "float-epochs", "faster" };

        var cli = Cli(["compare", .. names, "--json"]);
        var ids = cli["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        using var ui = new UiProcess(_repo);
        var api = await GetJson(ui, $"/api/compare?ids={string.Join(",", ids)}");

        Assert.Equal(ids, api["runs"]!.AsArray().Select(r => r!["run"]!["id"]!.GetValue<string>()));
        var cliRows = cli["rows"]!;
        var apiRows = api["rows"]!;
        Assert.True(JsonNode.DeepEquals(cliRows, apiRows), $"CLI rows:\n{cliRows.ToJsonString()}\nAPI rows:\n{apiRows.ToJsonString()}");
        // And the rows say what the rule says: typed values, a missing value differs.
        var differs = cliRows.AsArray().ToDictionary(r => r!["field"]!.GetValue<string>(), r => r!["differs"]!.GetValue<bool>());
        Assert.True(differs["params.epochs"]);  // 10 against 10.0
        Assert.True(differs["params.lr"]);
        Assert.True(differs["tags.stage"]);     // on one run only
        Assert.True(differs["note"]);
        Assert.False(differs["status"]);
        Assert.Equal(["base", "float-epochs", "faster"], cli["runs"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Ls_json_and_the_web_api_list_the_same_runs_in_the_same_order()
    {
        foreach (var (name, lr) in new[] { ("a", 0.3), ("b", 0.1), ("c", 0.2), ("d", 0.4), ("e", 0.1) })
            TrainingScript.Run(_repo, name, lr, points: 5);
        using var ui = new UiProcess(_repo);

        static List<string> Names(JsonNode runs) => [.. runs.AsArray().Select(r => r!["name"]!.GetValue<string>())];
        // Filtered, sorted (ties on lr keep the newest-first order), limited.
        var cli = Names(Cli("ls", "--json", "--filter", "params.lr < 0.35", "--sort", "params.lr", "--limit", "3"));
        var api = await GetJson(ui, $"/api/runs?filter={Uri.EscapeDataString("params.lr < 0.35")}&sort=params.lr&limit=3");
        Assert.Equal(["e", "b", "c"], cli);
        Assert.Equal(cli, Names(api["runs"]!));
        Assert.Equal((4, 5), (api["matched"]!.GetValue<int>(), api["total"]!.GetValue<int>()));
        // The default order, every run.
        Assert.Equal(Names(Cli("ls", "--json")), Names((await GetJson(ui, "/api/runs"))["runs"]!));
        // A page further on is the same slice of the same order.
        Assert.Equal(Names(Cli("ls", "--json", "--sort", "-params.lr,name")).Skip(2).Take(2),
            Names((await GetJson(ui, "/api/runs?sort=-params.lr,name&offset=2&limit=2"))["runs"]!));
    }
}
