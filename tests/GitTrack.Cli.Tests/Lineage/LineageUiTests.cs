using System.Text.Json;
using GitTrack.Cli.Tests.Infrastructure;
using GitTrack.Tests.Shared;

namespace GitTrack.Cli.Tests.Lineage;

/// <summary>
/// Issue #18 in <c>gittrack ui</c>, in Debian's Chromium (the <c>lineage</c> mode of
/// src/GitTrack.Web/frontend/e2e/run.mjs): the run page's packages, inputs and lineage graph, and compare's package
/// differences, with a package named like markup that must stay text.
/// </summary>
public sealed class LineageUiTests : IDisposable
{
    private const string XssName = "<img src=x onerror=alert(1)>";
    private readonly TempGitRepo _repo = new();
    private readonly string _outside;

    public LineageUiTests()
    {
        _repo.WriteFile(".gitignore", "data/\nmodel.bin\n");
        _repo.Commit("ignore data");
        _outside = Path.Combine(Path.GetDirectoryName(_repo.Root)!, "envs");
        Directory.CreateDirectory(_outside);
    }

    public void Dispose() => _repo.Dispose();

    private string Id(string run) =>
        JsonDocument.Parse(GitTrackProcess.Run(_repo, "show", run, "--json").Stdout).RootElement.GetProperty("id").GetString()!;

    [SkippableFact]
    public void Run_page_shows_packages_inputs_and_the_lineage_graph_and_compare_shows_package_changes()
    {
        UiBrowserTests.SkipUnlessBrowserAvailable();
        var venv = Path.Combine(_outside, "venv");
        var site = FakeEnvironments.Venv(venv);
        FakeEnvironments.Distribution(site, "numpy", "1.26.4");
        FakeEnvironments.Distribution(site, XssName, "6.6.6");
        var cuda = Path.Combine(_outside, "cuda");
        Directory.CreateDirectory(cuda);
        File.WriteAllText(Path.Combine(cuda, "version.json"), """{"cuda": {"name": "CUDA SDK", "version": "12.4.1"}}""");
        var environment = GitTrackProcess.Merge(FakeEnvironments.Neutral, new Dictionary<string, string> { ["CUDA_HOME"] = cuda });
        var python = Path.Combine(venv, "bin", "python");
        _repo.WriteFile("data/train.csv", "x\n1\n2\n");

        var prep = GitTrackProcess.RunWith(_repo, environment, "run", "-n", "prep", "--input", "data/train.csv", "-a", "model.bin", "--",
            python, "-c", "import shutil; shutil.copy('data/train.csv', 'model.bin')");
        Assert.True(prep.ExitCode == 0, prep.Stderr);
        FakeEnvironments.Distribution(site, "numpy", "2.0.0");
        FakeEnvironments.Distribution(site, "pandas", "2.2.0");
        var tune = GitTrackProcess.RunWith(_repo, environment, "run", "-n", "tune", "--input", "model.bin", "-a", "model.bin", "--",
            python, "-c", "open('model.bin', 'a').write('more')");
        Assert.True(tune.ExitCode == 0, tune.Stderr);
        var tuneId = Id("tune");
        var prepId = Id("prep");
        using var ui = new UiProcess(_repo);

        var output = UiBrowserTests.RunScript(ui, "lineage", new { run = tuneId, other = prepId, search = "NumP" },
            Environment.GetEnvironmentVariable("GITTRACK_SCREENSHOTS"));
        var s = output.GetProperty("steps");
        string[] Strings(string name) => [.. s.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

        // Packages: the count, CUDA's version, every name as text (the markup one too), and the search narrowing them.
        Assert.Equal("4", s.GetProperty("count").GetString());
        Assert.Equal("cuda 12.4.1", s.GetProperty("facts").GetProperty("cuda").GetString());
        Assert.Equal([XssName, "cuda", "numpy", "pandas"], Strings("packages").Order(StringComparer.Ordinal));
        Assert.Equal(["numpy"], Strings("shownAfterSearch"));
        Assert.Equal("1 of 4", s.GetProperty("shownText").GetString());
        Assert.Equal(["model.bin"], Strings("inputs"));
        // The graph: tune, the model it read, prep that made it, and the data prep read; prep's box opens its page.
        Assert.Equal(4, Strings("graphNodes").Length);
        Assert.Contains($"run:{tuneId}", Strings("graphNodes"));
        Assert.Contains($"run:{prepId}", Strings("graphNodes"));
        Assert.Equal(["model.bin", "prep", "train.csv", "tune"], Strings("graphLabels").Select(l => l.Split('/')[^1]).Order(StringComparer.Ordinal));
        Assert.Equal(3, s.GetProperty("graphEdges").GetInt32());
        Assert.Equal([$"#/run/{prepId}"], Strings("graphLinks"));
        Assert.Equal($"#/run/{prepId}", s.GetProperty("followed").GetString());
        // Compare: what changed from tune's packages to prep's.
        Assert.Equal(["- pandas 2.2.0 → ", "~ numpy 2.0.0 → 1.26.4"], Strings("compareChanges").Order(StringComparer.Ordinal));
        Assert.Equal(0, s.GetProperty("imgElements").GetInt32());
        Assert.Equal(0, s.GetProperty("imgElementsCompare").GetInt32());
        Assert.Empty(output.GetProperty("dialogs").EnumerateArray());
        Assert.Empty(output.GetProperty("consoleErrors").EnumerateArray());
    }
}
