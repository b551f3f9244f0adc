using GitTrack.Core.Errors;

namespace GitTrack.Core.Sweeps;

/// <summary>
/// The params of a sweep and their spaces, in name (ordinal) order, and the trials they make: a grid goes over every
/// combination with the last name varying fastest; a random search draws each trial's params in name order from one
/// <see cref="SweepRandom"/>. The order comes from the names alone, so the same spaces always make the same trials
/// however they were written (docs/sweeps.md).
/// </summary>
public sealed class SweepSpace
{
    /// <summary>A grid may hold at most this many trials; more is almost always a mistake (use --random N).</summary>
    public const long MaxTrials = 100_000;

    private readonly ParamSpace[] _params;

    public SweepSpace(IEnumerable<ParamSpace> spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        var list = spaces.ToList();
        foreach (var group in list.GroupBy(s => s.Name, StringComparer.Ordinal))
            if (group.Count() > 1)
                throw new InvalidInputException($"param '{group.Key}' is given twice", $"give each param once, its values as one list: -p {group.Key}=a,b");
        if (list.Count == 0)
            throw new InvalidInputException("a sweep needs at least one param", "give one with -p NAME=SPACE, for example -p lr=0.1,0.01");
        _params = [.. list.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The spaces of a sweep file overridden by those of the command line, as <c>gittrack run</c> lets <c>-p</c>
    /// override <c>--params-file</c>; a param given twice on the command line is an error.
    /// </summary>
    public static SweepSpace Combine(IEnumerable<ParamSpace> fromFile, IEnumerable<ParamSpace> fromArguments)
    {
        var arguments = fromArguments.ToList();
        foreach (var group in arguments.GroupBy(s => s.Name, StringComparer.Ordinal))
            if (group.Count() > 1)
                throw new InvalidInputException($"param '{group.Key}' is given twice", $"give each param once, its values as one list: -p {group.Key}=a,b");
        var overridden = arguments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return new SweepSpace(fromFile.Where(s => !overridden.Contains(s.Name)).Concat(arguments));
    }

    /// <summary>The params in name order.</summary>
    public IReadOnlyList<ParamSpace> Params => _params;

    /// <summary>The params that take more than one value (the axes worth plotting).</summary>
    public IEnumerable<ParamSpace> Varying => _params.Where(p => !p.IsFinite || p.Count > 1);

    /// <summary>The number of trials of the grid; throws when a param is a distribution.</summary>
    public long GridSize
    {
        get
        {
            if (_params.FirstOrDefault(p => !p.IsFinite) is { } distribution)
                throw new InvalidInputException($"param '{distribution.Name}' is a distribution ({distribution.Text}): a grid cannot go over it",
                    "add --random N to draw N trials, or give a list of values");
            Int128 size = 1;
            foreach (var space in _params)
            {
                size *= space.Count;
                if (size > MaxTrials)
                    return long.MaxValue;
            }
            return (long)size;
        }
    }

    /// <summary>Throws when the grid cannot be made: a param is a distribution, or it has more than <see cref="MaxTrials"/> trials.</summary>
    public void CheckGrid()
    {
        if (GridSize > MaxTrials)
            throw new InvalidInputException($"the grid has more than {MaxTrials:N0} trials ({string.Join(" x ", _params.Select(p => p.Count))})",
                "narrow the lists, or draw some of them with --random N");
    }

    /// <summary>Throws unless a random search may draw <paramref name="count"/> trials.</summary>
    public static void CheckRandomCount(int count)
    {
        if (count is < 1 or > (int)MaxTrials)
            throw new InvalidInputException($"--random {count} is out of range", $"draw between 1 and {MaxTrials:N0} trials");
    }

    /// <summary>Every combination, numbered from 1; the last param in name order varies fastest.</summary>
    public List<TrialPlan> Grid()
    {
        CheckGrid();
        var size = GridSize;
        var trials = new List<TrialPlan>((int)size);
        for (long index = 0; index < size; index++)
        {
            var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
            var rest = index;
            for (int p = _params.Length - 1; p >= 0; p--)
            {
                var count = _params[p].Count;
                values[_params[p].Name] = _params[p].ValueAt(rest % count);
                rest /= count;
            }
            trials.Add(new TrialPlan((int)index + 1, values));
        }
        return trials;
    }

    /// <summary><paramref name="count"/> trials drawn with <paramref name="seed"/>, numbered from 1.</summary>
    public List<TrialPlan> Random(int count, long seed)
    {
        CheckRandomCount(count);
        var random = new SweepRandom(seed);
        var trials = new List<TrialPlan>(count);
        for (int number = 1; number <= count; number++)
        {
            var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var space in _params)
                values[space.Name] = space.Draw(random);
            trials.Add(new TrialPlan(number, values));
        }
        return trials;
    }
}
