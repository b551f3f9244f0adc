using GitTrack.Core.Hashing;
using GitTrack.Core.Models;

namespace GitTrack.Core.Tests.Models;

/// <summary>The fold of registry entries into versions and aliases (docs/format.md "Models").</summary>
public sealed class ModelFoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ModelVersionEntry Version(string id, long clock, long claimed, int seconds) =>
        new(id.PadLeft(32, '0'), "cnn", "0123456789abcdef01234567", "model.pt", Blake3Hasher.Hash([1]), 1, T0.AddSeconds(seconds), clock, claimed);

    private static ModelAliasEntry Alias(string id, string alias, string version, long clock, int seconds) =>
        new(id.PadLeft(32, '0'), "cnn", alias, version.PadLeft(32, '0'), 1, T0.AddSeconds(seconds), clock);

    private static Dictionary<string, long> Numbers(RegisteredModel model) =>
        model.Versions.ToDictionary(v => v.Entry.Id.TrimStart('0'), v => v.Number);

    [Fact]
    public void Claimed_numbers_hold_and_only_the_later_of_two_concurrent_claims_moves()
    {
        // a and b were registered on two clones at once (both saw version 1, both claimed 2); d was registered on b's
        // clone after b and claimed 3. Only b moves: to the next number above all in use.
        var entries = new[] { Version("1", 1, 1, 0), Version("a", 2, 2, 10), Version("b", 2, 2, 20), Version("d", 3, 3, 30) };
        var model = ModelRegistry.Fold("cnn", entries, [], []);
        Assert.Equal(new Dictionary<string, long> { ["1"] = 1, ["a"] = 2, ["d"] = 3, ["b"] = 4 }, Numbers(model));
        // The same entries in any order fold the same way.
        Assert.Equal(Numbers(model), Numbers(ModelRegistry.Fold("cnn", entries.Reverse().ToArray(), [], [])));
        Assert.Equal(3, model.Clock);
    }

    [Fact]
    public void The_latest_alias_assignment_wins_and_follows_its_version_when_renumbered()
    {
        var entries = new[] { Version("1", 1, 1, 0), Version("a", 2, 2, 10), Version("b", 2, 2, 20) };
        var aliases = new[] { Alias("c1", "champion", "1", 2, 5), Alias("c2", "champion", "b", 3, 25), Alias("c3", "staging", "a", 3, 26) };
        var model = ModelRegistry.Fold("cnn", entries, aliases, []);
        Assert.Equal(3, model.Aliases["champion"].Number);
        Assert.Equal(2, model.Aliases["staging"].Number);
        Assert.Equal(["champion"], model.Versions.Single(v => v.Number == 3).Aliases);
    }

    [Fact]
    public void An_alias_naming_a_missing_version_is_skipped_with_a_reason()
    {
        var skipped = new List<SkippedEntry>();
        var model = ModelRegistry.Fold("cnn", [Version("1", 1, 1, 0)], [Alias("c1", "prod", "f", 2, 1)], skipped);
        Assert.Empty(model.Aliases);
        Assert.Contains("not on the branch", Assert.Single(skipped).Reason);
    }

    [Theory]
    [InlineData("cnn", true)]
    [InlineData("resnet-50_v2.1", true)]
    [InlineData(".hidden", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("with space", false)]
    [InlineData("", false)]
    public void Model_names_are_a_safe_charset(string name, bool ok) => Assert.Equal(ok, ModelNames.IsModel(name));

    [Theory]
    [InlineData("champion", true)]
    [InlineData("prod-2", true)]
    [InlineData("latest", false)]
    [InlineData("3", false)]
    [InlineData("a b", false)]
    public void Alias_names_start_with_a_letter_and_latest_is_reserved(string alias, bool ok) => Assert.Equal(ok, ModelNames.IsAlias(alias));
}
