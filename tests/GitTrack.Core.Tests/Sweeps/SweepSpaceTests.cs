using GitTrack.Core.Errors;
using GitTrack.Core.Sweeps;

namespace GitTrack.Core.Tests.Sweeps;

public sealed class SweepSpaceTests
{
    private static SweepSpace Space(params string[] arguments) => new(arguments.Select(SpaceParser.ParseArgument));

    [Fact]
    public void A_grid_is_every_combination_in_name_order_the_last_name_varying_fastest()
    {
        // Written in another order: the trials depend on the names only.
        var grid = Space("lr=0.1,0.01", "depth=2..4:2", "epochs=10").Grid();

        Assert.Equal(4, grid.Count);
        Assert.Equal([1, 2, 3, 4], grid.Select(t => t.Number));
        Assert.Equal([(2L, 10L, 0.1), (2L, 10L, 0.01), (4L, 10L, 0.1), (4L, 10L, 0.01)],
            grid.Select(t => ((long)t.Params["depth"], (long)t.Params["epochs"], (double)t.Params["lr"])));
        Assert.Equal(["depth", "lr"], Space("lr=0.1,0.01", "depth=2..4:2", "epochs=10").Varying.Select(p => p.Name));
    }

    [Fact]
    public void A_grid_keeps_repeated_values()
    {
        var grid = Space("lr=0.1,0.2,0.2").Grid();

        Assert.Equal([0.1, 0.2, 0.2], grid.Select(t => (double)t.Params["lr"]));
    }

    [Fact]
    public void A_random_search_is_the_same_for_the_same_seed_and_stays_in_its_bounds()
    {
        var space = Space("lr=loguniform(1e-4,1e-1)", "dropout=uniform(0,0.5)", "units=choice(64,128,256)", "depth=2..8");

        var first = space.Random(200, seed: 7);
        var again = space.Random(200, seed: 7);
        var other = space.Random(200, seed: 8);

        Assert.Equal(first.Select(t => string.Join(",", t.Params.Values)), again.Select(t => string.Join(",", t.Params.Values)));
        Assert.NotEqual(first.Select(t => string.Join(",", t.Params.Values)), other.Select(t => string.Join(",", t.Params.Values)));
        Assert.All(first, t =>
        {
            Assert.InRange((double)t.Params["lr"], 1e-4, 1e-1);
            Assert.InRange((double)t.Params["dropout"], 0, 0.5);
            Assert.Contains((long)t.Params["units"], new[] { 64L, 128, 256 });
            Assert.InRange((long)t.Params["depth"], 2, 8);
        });
        // Log-uniform: about as many draws in each decade.
        var decades = first.GroupBy(t => (int)Math.Floor(Math.Log10((double)t.Params["lr"]))).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { -4, -3, -2 }, d => Assert.InRange(decades.GetValueOrDefault(d), 40, 95));
        // Every value of a list and a range turns up.
        Assert.Equal(7, first.Select(t => t.Params["depth"]).Distinct().Count());
    }

    [Fact]
    public void The_random_numbers_are_SplitMix64()
    {
        // The reference sequence of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var random = new SweepRandom(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void The_command_line_overrides_the_file_and_a_param_given_twice_there_is_an_error()
    {
        var combined = SweepSpace.Combine([SpaceParser.ParseArgument("lr=0.1,0.2"), SpaceParser.ParseArgument("depth=2..4")],
            [SpaceParser.ParseArgument("lr=0.5")]);

        Assert.Equal(["depth=2..4", "lr=0.5"], combined.Params.Select(p => p.ToString()));
        var error = Assert.Throws<InvalidInputException>(() => SweepSpace.Combine([], [SpaceParser.ParseArgument("lr=1"), SpaceParser.ParseArgument("lr=2")]));
        Assert.Contains("param 'lr' is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_refuses_distributions_and_more_than_the_most_trials()
    {
        Assert.Contains("a grid cannot go over it", Assert.Throws<InvalidInputException>(() => Space("lr=uniform(0,1)").Grid()).Message, StringComparison.Ordinal);
        Assert.Contains("more than 100,000 trials", Assert.Throws<InvalidInputException>(() => Space("a=1..1000", "b=1..1000").Grid()).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidInputException>(() => Space("a=1").Random(0, 1));
        Assert.Throws<InvalidInputException>(() => new SweepSpace([]));
    }
}
