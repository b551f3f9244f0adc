using GitTrack.Core.Hashing;
using GitTrack.Core.Lineage;
using GitTrack.Core.Query;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage;
using GitTrack.Core.Tests.Runs;
using GitTrack.Tests.Shared;

namespace GitTrack.Core.Tests.Lineage;

/// <summary>The local index (format 7) keeps each run's inputs and artifact keys: input filters and lineage read no manifest.</summary>
public sealed class IndexedInputsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempGitRepo _repo = new();
    private readonly GitDirectories _dirs;
    private readonly string _tree;

    public IndexedInputsTests()
    {
        _dirs = GitDirectories.Discover(_repo.Root);
        _tree = _repo.Git("rev-parse", "HEAD^{tree}").Trim();
    }

    public void Dispose() => _repo.Dispose();

    private RunStore Open() => RunStore.Open(_dirs, new CrashDetector("this-host", "this-boot"));

    [Fact]
    public void Inputs_and_artifact_keys_come_back_from_the_index_file_and_feed_filters_and_lineage()
    {
        var model = Blake3Hasher.Hash("model"u8);
        var data = Blake3Hasher.Hash("data"u8);
        var folder = Blake3Hasher.Hash("folder listing"u8);
        string producerId, consumerId;
        using (var store = Open())
        {
            producerId = store.Create(SampleRuns.Minimal(_tree, T0, "train", RunStatus.Completed) with
            {
                Inputs = [new InputEntry("data/train.csv", data, 4, Stored: true)],
                Artifacts = [new ArtifactEntry("out/model.pt", model, 5), new ArtifactEntry("out/log.txt", data, 4)],
            }).Id;
            consumerId = store.Create(SampleRuns.Minimal(_tree, T0.AddMinutes(1), "tune", RunStatus.Completed) with
            {
                Inputs = [new InputEntry("/mnt/models/model.pt", model, 5), new InputEntry("data", folder, 40, IsFolder: true, Files: 3)],
            }).Id;
        }
        using (var lister = Open())
            Assert.Equal(2, lister.List().Count); // builds the index file from the branch
        var index = Path.Combine(_dirs.GitTrackDir, "index", "runs.bin");
        Assert.Equal(7, BitConverter.ToInt32(File.ReadAllBytes(index), 4));

        // A store opened afterwards reads the summaries from the index file (the tip has not moved).
        using var reopened = Open();
        var summaries = reopened.List().ToDictionary(r => r.Name);
        Assert.Equal([new InputEntry("data/train.csv", data, 4, Stored: true)], summaries["train"].Inputs);
        Assert.Equal([model, data], summaries["train"].ArtifactKeys.OrderBy(k => k == data));
        Assert.Equal(new InputEntry("data", folder, 40, IsFolder: true, Files: 3), summaries["tune"].Inputs.Single(i => i.IsFolder));

        Assert.Equal(["train"], RunQuery.Select(reopened.Enumerate(), RunSummaryFields.Instance, "inputs.path = data/train.csv", null, null, QueryContext.System).Select(r => r.Name));
        Assert.Equal(["tune"], RunQuery.Select(reopened.Enumerate(), RunSummaryFields.Instance, $"input = {model.ToString()[..10]}", null, null, QueryContext.System).Select(r => r.Name));
        Assert.Equal(["tune"], RunQuery.Select(reopened.Enumerate(), RunSummaryFields.Instance, "inputs.path !~ train", null, null, QueryContext.System).Select(r => r.Name));

        var lineage = RunLineage.Load(reopened);
        var consumer = lineage.Find(consumerId)!;
        var (input, producers) = lineage.Up(consumer).Single(x => x.Input.Key == model);
        var (producer, artifact) = Assert.Single(producers);
        Assert.Equal(producerId, producer.Id);
        Assert.Equal("out/model.pt", artifact.Path);
        var (made, users) = Assert.Single(lineage.Down(lineage.Find(producerId)!));
        Assert.Equal("out/model.pt", made.Path);
        Assert.Equal(consumerId, Assert.Single(users).Run.Id);
        Assert.Equal("/mnt/models/model.pt", input.Path);
    }
}
