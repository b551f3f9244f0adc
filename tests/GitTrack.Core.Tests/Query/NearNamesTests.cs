using GitTrack.Core.Query;

namespace GitTrack.Core.Tests.Query;

public sealed class NearNamesTests
{
    [Fact]
    public void A_typo_finds_the_names_one_edit_away_closest_first()
    {
        Assert.Equal(["val_acc", "val_auc"], NearNames.Of("val_aucc", ["val_auc", "val_acc", "train_loss", "val_loss"]));
        Assert.Equal(["ls"], NearNames.Of("lss", ["run", "ls", "show", "best", "log", "rm"]).Take(1));
        Assert.Equal(["show"], NearNames.Of("shwo", ["run", "ls", "show", "best"]));
    }

    [Fact]
    public void Case_is_ignored_and_a_name_held_as_a_part_is_near()
    {
        Assert.Equal(["Val_Acc"], NearNames.Of("val_acc", ["Val_Acc", "loss"]));
        Assert.Equal(["train_auc", "val_auc"], NearNames.Of("auc", ["val_auc", "train_auc", "loss"]));
    }

    [Fact]
    public void Unrelated_names_and_the_name_itself_are_not_suggested()
    {
        Assert.Empty(NearNames.Of("accuracy", ["loss", "lr", "epoch"]));
        Assert.Empty(NearNames.Of("loss", ["loss"]));
    }

    [Theory]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "abc", 0)]
    [InlineData("abcd", "abdc", 1)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int expected) =>
        Assert.Equal(expected, NearNames.Distance(a, b));
}
