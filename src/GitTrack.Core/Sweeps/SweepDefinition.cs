using System.Globalization;
using GitTrack.Core.Diff;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// Everything that decides a sweep's trials: its name, spaces, mode (grid, or N random draws and the seed), the
/// command each trial runs, the tags every trial gets and the metric that picks the best trial. It is recorded on
/// the sweep's parent run (each param's space as the param's value, the rest as <c>sweep.*</c> tags and the command
/// after <c>--</c>; docs/format.md "Sweeps") and read back from it by <c>gittrack sweep --resume</c>.
/// </summary>
public sealed record SweepDefinition
{
    /// <summary>The tag every trial carries: the sweep's name.</summary>
    public const string SweepTag = "sweep";
    /// <summary>The tag every trial carries: its number, from 1.</summary>
    public const string TrialTag = "trial";
    public const string NameTag = "sweep.name";
    public const string ModeTag = "sweep.mode";
    public const string SeedTag = "sweep.seed";
    public const string TrialsTag = "sweep.trials";
    public const string MetricTag = "sweep.metric";
    public const string GoalTag = "sweep.goal";

    public required string Name { get; init; }
    public required SweepSpace Space { get; init; }
    public SweepMode Mode { get; init; }
    /// <summary>How many trials a random search draws.</summary>
    public int RandomCount { get; init; }
    /// <summary>The seed of a random search (drawn when not given, and recorded).</summary>
    public long Seed { get; init; }
    /// <summary>The command each trial runs (through <c>gittrack run</c>).</summary>
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>Tags given with <c>--tag</c>: on the parent and on every trial.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>The metric that picks the best trial; null to pick it from what the trials log.</summary>
    public string? Metric { get; init; }
    /// <summary>Whether lower or higher <see cref="Metric"/> is better; Unknown to go by its name.</summary>
    public MetricDirection Goal { get; init; }

    /// <summary>The trials, in order.</summary>
    public List<TrialPlan> Trials() => Mode == SweepMode.Random ? Space.Random(RandomCount, Seed) : Space.Grid();

    /// <summary>How many trials the sweep has (computed without making them for a grid).</summary>
    public long TrialCount => Mode == SweepMode.Random ? RandomCount : Space.GridSize;

    /// <summary>The name of trial <paramref name="number"/>'s <paramref name="attempt"/>-th run: <c>NAME/07</c>, <c>NAME/07-r2</c>.</summary>
    public string TrialName(int number, int attempt = 1)
    {
        var digits = Math.Max(2, TrialCount.ToString(CultureInfo.InvariantCulture).Length);
        var name = $"{Name}/{number.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}";
        return attempt <= 1 ? name : $"{name}-r{attempt.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Checks what can be checked before anything runs: the trials can be made, tags are not reserved, there is a command.</summary>
    public void Validate()
    {
        if (Command.Count == 0 || Command[0].Length == 0)
            throw new InvalidInputException("no command for the trials", "give it after '--': gittrack sweep -p lr=0.1,0.01 -- python train.py");
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(char.IsControl) || Name.Trim() != Name)
            throw new InvalidInputException($"'{Name}' is not a usable sweep name", "give a name without control characters or surrounding spaces");
        foreach (var key in Tags.Keys)
            if (IsReservedTag(key))
                throw new InvalidInputException($"tag '{key}' is set by gittrack sweep itself", "choose another tag name");
        if (Mode == SweepMode.Random)
            SweepSpace.CheckRandomCount(RandomCount);
        else
            Space.CheckGrid();
    }

    /// <summary>Whether gittrack sweep sets this tag itself (<c>sweep</c>, <c>trial</c>, <c>sweep.*</c>).</summary>
    public static bool IsReservedTag(string key) =>
        key is SweepTag or TrialTag || key.StartsWith(SweepTag + ".", StringComparison.Ordinal);

    /// <summary>The parent run's params: each param's space as text (<c>lr = "loguniform(0.0001,0.1)"</c>).</summary>
    public SortedDictionary<string, object> ParentParams() =>
        new(Space.Params.ToDictionary(p => p.Name, p => (object)p.Text, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The parent run's tags as it starts: the user's, the mode, seed, trial count, metric and goal.</summary>
    public SortedDictionary<string, string> ParentTags()
    {
        var tags = new SortedDictionary<string, string>(Tags.ToDictionary(), StringComparer.Ordinal)
        {
            [NameTag] = Name,
            [ModeTag] = Mode == SweepMode.Random ? "random" : "grid",
            [TrialsTag] = TrialCount.ToString(CultureInfo.InvariantCulture),
        };
        if (Mode == SweepMode.Random)
            tags[SeedTag] = Seed.ToString(CultureInfo.InvariantCulture);
        if (Metric is not null)
            tags[MetricTag] = Metric;
        if (Goal != MetricDirection.Unknown)
            tags[GoalTag] = Goal == MetricDirection.Max ? "max" : "min";
        return tags;
    }

    /// <summary>The tags of one trial: the user's, the sweep's name and the trial's number.</summary>
    public SortedDictionary<string, string> TrialTags(int number) =>
        new(Tags.ToDictionary(), StringComparer.Ordinal)
        {
            [SweepTag] = Name,
            [TrialTag] = number.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>The command line recorded as the parent run's command: it makes the same sweep again.</summary>
    public List<string> ParentCommand(IEnumerable<string> executionOptions)
    {
        var line = new List<string> { "gittrack", "sweep", "--name", Name };
        if (Mode == SweepMode.Random)
            line.AddRange(["--random", RandomCount.ToString(CultureInfo.InvariantCulture), "--seed", Seed.ToString(CultureInfo.InvariantCulture)]);
        if (Metric is not null)
            line.AddRange(["--metric", Metric]);
        if (Goal != MetricDirection.Unknown)
            line.Add(Goal == MetricDirection.Max ? "--max" : "--min");
        foreach (var (key, value) in Tags)
            line.AddRange(["--tag", $"{key}={value}"]);
        line.AddRange(executionOptions);
        foreach (var space in Space.Params)
            line.AddRange(["-p", $"{space.Name}={space.Text}"]);
        line.Add("--");
        line.AddRange(Command);
        return line;
    }

    /// <summary>Reads the sweep back from its parent run (for --resume); a run that is not a sweep's parent is an input error.</summary>
    public static SweepDefinition FromParent(RunRecord parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (!parent.Tags.TryGetValue(ModeTag, out var mode) || mode is not ("grid" or "random"))
            throw new InvalidInputException($"run {parent.Name} ({parent.Id[..RunId.ShortLength]}) is not a sweep", "give the sweep's parent run (see 'gittrack ls')");
        var separator = -1;
        for (int i = 0; i < parent.Command.Count; i++)
            if (parent.Command[i] == "--")
            {
                separator = i;
                break;
            }
        if (separator < 0 || separator == parent.Command.Count - 1)
            throw new CorruptDataException($"sweep {parent.Name}: its recorded command has no trial command after '--'", "start the sweep again");
        var spaces = parent.Params.Select(kv => kv.Value is string text
            ? SpaceParser.Parse(kv.Key, text)
            : throw new CorruptDataException($"sweep {parent.Name}: param '{kv.Key}' holds no space", "start the sweep again"));
        var random = mode == "random";
        long seed = 0;
        int count = 0;
        if (random && (!parent.Tags.TryGetValue(SeedTag, out var seedText) || !long.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed)
            || !parent.Tags.TryGetValue(TrialsTag, out var countText) || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count)))
            throw new CorruptDataException($"sweep {parent.Name}: its seed or trial count tag is missing", "start the sweep again");
        return new SweepDefinition
        {
            Name = parent.Tags.TryGetValue(NameTag, out var name) ? name : parent.Name,
            Space = new SweepSpace(spaces),
            Mode = random ? SweepMode.Random : SweepMode.Grid,
            RandomCount = count,
            Seed = seed,
            Command = parent.Command.Skip(separator + 1).ToList(),
            // The user's tags, those added to the parent since included; gittrack's own bookkeeping tags are not.
            Tags = new SortedDictionary<string, string>(parent.Tags.Where(t => !IsReservedTag(t.Key) && !t.Key.StartsWith("gittrack.", StringComparison.Ordinal))
                .ToDictionary(), StringComparer.Ordinal),
            Metric = parent.Tags.GetValueOrDefault(MetricTag),
            Goal = MetricDirections.Parse(parent.Tags.GetValueOrDefault(GoalTag)) ?? MetricDirection.Unknown,
        };
    }
}
