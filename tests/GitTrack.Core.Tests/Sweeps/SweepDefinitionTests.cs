using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Sweeps;

namespace GitTrack.Core.Tests.Sweeps;

public sealed class SweepDefinitionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static RunRecord Recorded(SweepDefinition definition, string id = "7c1e9a04aabbccdd6b0ff412", string? name = null) => new()
    {
        Id = id,
        Name = name ?? definition.Name,
        StartedAt = T0,
        Command = definition.ParentCommand(["-j", "4"]),
        Source = new SourceInfo { Commit = new string('0', 40), Tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904" },
        Params = definition.ParentParams(),
        Tags = definition.ParentTags(),
    };

    [Fact]
    public void A_sweep_read_back_from_its_parent_run_makes_the_same_trials()
    {
        var definition = new SweepDefinition
        {
            Name = "lr-search",
            Space = new SweepSpace(new[] { "lr=loguniform(1e-4,1e-1)", "opt=adam,\"sgd, momentum\",'1'", "depth=2..8:2", "w=1.0" }.Select(SpaceParser.ParseArgument)),
            Mode = SweepMode.Random,
            RandomCount = 25,
            Seed = -12345,
            Command = ["python", "train.py", "--", "--fast"],
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "vision" },
            Metric = "val_loss",
            Goal = MetricDirection.Min,
        };

        // Renamed since: the trials keep the name they were made with.
        var again = SweepDefinition.FromParent(Recorded(definition, name: "renamed"));

        Assert.Equal("lr-search", again.Name);
        Assert.Equal(["python", "train.py", "--", "--fast"], again.Command);
        Assert.Equal(definition.Trials().Select(t => string.Join(",", t.Params.Select(p => $"{p.Key}={p.Value}"))),
            again.Trials().Select(t => string.Join(",", t.Params.Select(p => $"{p.Key}={p.Value}"))));
        Assert.Equal("vision", again.Tags["team"]);
        Assert.Equal(("val_loss", MetricDirection.Min), (again.Metric, again.Goal));
        Assert.Equal("sweep", definition.ParentCommand([])[1]);
        Assert.Equal("lr-search/07", definition.TrialName(7));
        Assert.Equal("lr-search/07-r2", definition.TrialName(7, attempt: 2));
    }

    [Fact]
    public void A_run_that_is_no_sweep_cannot_be_resumed()
    {
        var definition = new SweepDefinition { Name = "s", Space = new SweepSpace([SpaceParser.ParseArgument("a=1")]), Command = ["true"] };
        var plain = Recorded(definition) with { Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) };

        Assert.Contains("is not a sweep", Assert.Throws<InvalidInputException>(() => SweepDefinition.FromParent(plain)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_gittrack_sweep_sets_itself_are_refused()
    {
        var definition = new SweepDefinition
        {
            Name = "s",
            Space = new SweepSpace([SpaceParser.ParseArgument("a=1")]),
            Command = ["true"],
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["sweep.best"] = "x" },
        };

        Assert.Contains("set by gittrack sweep", Assert.Throws<InvalidInputException>(definition.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_counts_each_trial_by_its_latest_run_and_picks_the_best_completed_one()
    {
        var definition = new SweepDefinition { Name = "s", Space = new SweepSpace([SpaceParser.ParseArgument("a=1..3")]), Command = ["true"] };
        const string parent = "7c1e9a04aabbccdd6b0ff412";
        RunSummary Trial(string id, int number, RunStatus status, double? loss, int minutes) => new()
        {
            Id = id,
            Name = $"s/{number}",
            Status = status,
            StartedAt = T0.AddMinutes(minutes),
            Parent = parent,
            Tags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["trial"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Metrics = loss is { } l ? new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = l } : new SortedDictionary<string, double>(StringComparer.Ordinal),
        };
        var summary = SweepSummary.Of(definition, parent, [
            Trial("a1", 1, RunStatus.Killed, null, 0),
            Trial("a2", 1, RunStatus.Completed, 0.5, 10),
            Trial("b1", 2, RunStatus.Completed, 0.2, 1),
            Trial("c1", 3, RunStatus.Failed, 0.1, 2),
            Trial("x1", 1, RunStatus.Completed, 0.01, 3) with { Parent = "another" },
        ]);

        Assert.Equal((2, 1, 0, 3), (summary.Completed, summary.Failed, summary.Killed, summary.Ran));
        Assert.True(summary.HasCompleted(1));
        Assert.False(summary.HasCompleted(3));
        Assert.Equal(2, summary.Attempts(1));
        Assert.Equal("loss", summary.Metric);
        Assert.Equal("b1", summary.Best!.Id); // the failed trial's lower loss does not count
        Assert.Equal("0.2", summary.Tags()["sweep.best_value"]);
    }
}
