using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;
using GitTrack.Core.Storage.Git;

namespace GitTrack.Core.Storage;

/// <summary>
/// A local, derived cache of every run's <see cref="RunSummary"/> at one tip of the runs branch
/// (<c>&lt;common dir&gt;/gittrack/index/runs.bin</c>), so <c>gittrack ls</c> reads one file instead of 10,000
/// manifests. The branch stays the only truth: when the tip moved the index is brought up to date by walking only
/// the shard and run trees whose ids changed, and a missing or unreadable index is rebuilt from the branch.
/// A run whose manifest cannot be read (damaged, or written by another tool or a newer schema) is kept aside with
/// the reason, not listed, and reported on every listing until it is fixed or removed: one bad run pushed by
/// someone else never hides all the others.
/// </summary>
internal sealed class RunIndex
{
    private static ReadOnlySpan<byte> Magic => "GTIX"u8;
    // 3: source commit and branch, parent, note and the rm tombstone time (what filters and nesting read).
    // 4: runs that could not be read, with the reason.
    // 5: schema 2 (summaries folded from the run's edits); the same layout, rebuilt once so no schema 1 fold is kept.
    // (2 was used by two different layouts during development.) An index of another version is rebuilt.
    private const int FormatVersion = 5;

    /// <summary>The commit the entries describe, or null for an empty index.</summary>
    public string? Tip { get; private set; }

    private Dictionary<string, string> _shardTrees = new(StringComparer.Ordinal);
    private Dictionary<string, (string Tree, RunSummary Summary)> _runs = new(StringComparer.Ordinal);
    private Dictionary<string, (string Tree, string Reason)> _unreadable = new(StringComparer.Ordinal);

    public IEnumerable<RunSummary> Runs => _runs.Values.Select(v => v.Summary);

    /// <summary>How many runs the index holds.</summary>
    public int Count => _runs.Count;

    /// <summary>The tree id of a run's folder at <see cref="Tip"/>, or null when the run is not there.</summary>
    public string? TreeOf(string id) => _runs.TryGetValue(id, out var run) ? run.Tree : null;

    /// <summary>A run's summary at <see cref="Tip"/>, or null.</summary>
    public RunSummary? Find(string id) => _runs.TryGetValue(id, out var run) ? run.Summary : null;

    /// <summary>Entries under <c>runs/</c> that are not readable runs, by path, with why; sorted by path.</summary>
    public IReadOnlyList<UnreadableRun> Unreadable =>
        [.. _unreadable.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new UnreadableRun(p.Key, p.Value.Reason))];

    public static string PathIn(string gitTrackDir) => Path.Combine(gitTrackDir, "index", "runs.bin");

    /// <summary>The index of a remote's copy of the runs branch (one file per remote).</summary>
    public static string PathIn(string gitTrackDir, string remote) =>
        Path.Combine(gitTrackDir, "index", $"remote-{Uri.EscapeDataString(remote)}.bin");

    /// <summary>Loads the index file, or an empty index when it is missing or unreadable (it is only a cache).</summary>
    public static RunIndex Load(string path)
    {
        try
        {
            if (File.Exists(path))
                return Read(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or FormatException
            or ArgumentException or OverflowException or UnauthorizedAccessException)
        {
            // Fall through to a rebuild.
        }
        return new RunIndex();
    }

    /// <summary>Brings the index to <paramref name="tip"/>; returns true when anything changed (so it should be saved).</summary>
    public bool UpdateTo(GitRepository git, string? tip)
    {
        var tipId = tip;
        if (tipId == Tip)
            return false;
        var shardTrees = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new Dictionary<string, (string, RunSummary)>(StringComparer.Ordinal);
        var unreadable = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        // A shard whose tree id did not change holds exactly the runs it held: copy them without reading the tree.
        var oldByShard = _runs.GroupBy(p => p.Key[..2], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var oldUnreadableByShard = _unreadable.GroupBy(p => ShardOfPath(p.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var runsEntry = tip is null ? null : git.EntryAt(git.ReadCommit(tip).Tree, RunPath.RunsFolder);
        if (runsEntry is not null)
        {
            if (runsEntry.Kind != GitEntryKind.Tree)
                throw new CorruptDataException($"'{RunPath.RunsFolder}' on the runs branch is not a folder", "check the runs branch with 'git fsck'");
            foreach (var shard in git.ReadTree(runsEntry.Id))
            {
                var shardPath = $"{RunPath.RunsFolder}/{shard.Name}";
                if (!RunPath.IsShardName(shard.Name) || shard.Kind != GitEntryKind.Tree)
                {
                    unreadable[shardPath] = (shard.Id, "not a runs shard (two lowercase hex digits, a folder)");
                    continue;
                }
                var shardSha = shard.Id;
                shardTrees[shard.Name] = shardSha;
                if (_shardTrees.TryGetValue(shard.Name, out var oldShardSha) && oldShardSha == shardSha)
                {
                    foreach (var (id, known) in oldByShard.GetValueOrDefault(shard.Name) ?? [])
                        runs[id] = known;
                    foreach (var (path, known) in oldUnreadableByShard.GetValueOrDefault(shard.Name) ?? [])
                        unreadable[path] = known;
                    continue;
                }
                foreach (var runEntry in git.ReadTree(shard.Id))
                {
                    var id = runEntry.Name;
                    var path = $"{shardPath}/{id}";
                    var runTreeSha = runEntry.Id;
                    // A run whose tree id is unchanged has an unchanged manifest: no need to read it again.
                    if (_runs.TryGetValue(id, out var known) && known.Tree == runTreeSha)
                    {
                        runs[id] = known;
                        continue;
                    }
                    if (_unreadable.TryGetValue(path, out var bad) && bad.Tree == runTreeSha)
                    {
                        unreadable[path] = bad;
                        continue;
                    }
                    try
                    {
                        var (run, hiddenAt) = RunReader.ReadFolder(git, shard.Name, runEntry).Folded;
                        runs[id] = (runTreeSha, RunSummary.Of(run, hiddenAt));
                    }
                    catch (CorruptDataException e)
                    {
                        unreadable[path] = (runTreeSha, e.Message);
                    }
                }
            }
        }
        _shardTrees = shardTrees;
        _runs = runs;
        _unreadable = unreadable;
        Tip = tipId;
        return true;
    }

    /// <summary>The shard a path under runs/ belongs to ("" for an entry directly under runs/ that is no shard).</summary>
    private static string ShardOfPath(string path)
    {
        var parts = path.Split('/');
        return parts.Length >= 3 ? parts[1] : "";
    }

    /// <summary>Writes the index atomically (temp file, then rename), so a concurrent reader sees the old or the new one.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, Write());
        File.Move(temp, path, overwrite: true);
    }

    private byte[] Write()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Tip ?? "");
            writer.Write(_shardTrees.Count);
            foreach (var (shard, sha) in _shardTrees)
            {
                writer.Write(shard);
                writer.Write(sha);
            }
            writer.Write(_runs.Count);
            foreach (var (tree, run) in _runs.Values)
            {
                writer.Write(tree);
                writer.Write(run.Id);
                writer.Write(run.Name);
                writer.Write((byte)run.Status);
                writer.Write(run.ExitCode ?? int.MinValue);
                writer.Write(run.ExitCode is not null);
                writer.Write(run.StartedAt.UtcTicks);
                writer.Write(run.EndedAt?.UtcTicks ?? -1);
                writer.Write(run.Process is not null);
                if (run.Process is { } p)
                {
                    writer.Write(p.Pid);
                    writer.Write(p.Host);
                    writer.Write(p.BootId ?? "");
                }
                OptionalString(writer, run.SourceCommit);
                OptionalString(writer, run.SourceBranch);
                OptionalString(writer, run.Parent);
                OptionalString(writer, run.Note);
                writer.Write(run.DeletedAt?.UtcTicks ?? -1);
                writer.Write(run.Params.Count);
                foreach (var (key, value) in run.Params)
                {
                    writer.Write(key);
                    switch (value)
                    {
                        case long l: writer.Write((byte)'i'); writer.Write(l); break;
                        case double d: writer.Write((byte)'f'); writer.Write(d); break;
                        case bool b: writer.Write((byte)'b'); writer.Write(b); break;
                        default: writer.Write((byte)'s'); writer.Write(value.ToString() ?? ""); break;
                    }
                }
                writer.Write(run.Metrics.Count);
                foreach (var (key, value) in run.Metrics)
                {
                    writer.Write(key);
                    writer.Write(value);
                }
                writer.Write(run.Tags.Count);
                foreach (var (key, value) in run.Tags)
                {
                    writer.Write(key);
                    writer.Write(value);
                }
            }
            writer.Write(_unreadable.Count);
            foreach (var (path, (tree, reason)) in _unreadable)
            {
                writer.Write(path);
                writer.Write(tree);
                writer.Write(reason);
            }
        }
        return stream.ToArray();
    }

    private static void OptionalString(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
            writer.Write(value);
    }

    private static RunIndex Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        // Param, metric and tag names repeat across thousands of runs: share one string per name.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Name()
        {
            var name = reader.ReadString();
            if (names.TryGetValue(name, out var shared))
                return shared;
            names[name] = name;
            return name;
        }
        if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            throw new InvalidDataException("not a gittrack run index");
        var index = new RunIndex();
        var tip = reader.ReadString();
        index.Tip = tip.Length == 0 ? null : tip;
        var shards = reader.ReadInt32();
        for (var i = 0; i < shards; i++)
            index._shardTrees[reader.ReadString()] = reader.ReadString();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var tree = reader.ReadString();
            var id = reader.ReadString();
            var name = reader.ReadString();
            var status = (RunStatus)reader.ReadByte();
            var exit = reader.ReadInt32();
            var hasExit = reader.ReadBoolean();
            var started = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var endedTicks = reader.ReadInt64();
            ProcessInfo? process = null;
            if (reader.ReadBoolean())
            {
                var pid = reader.ReadInt32();
                var host = Name();
                var boot = reader.ReadString();
                process = new ProcessInfo(pid, host, boot.Length == 0 ? null : boot);
            }
            var sourceCommit = reader.ReadBoolean() ? reader.ReadString() : null;
            var sourceBranch = reader.ReadBoolean() ? Name() : null;
            var parent = reader.ReadBoolean() ? reader.ReadString() : null;
            var note = reader.ReadBoolean() ? reader.ReadString() : null;
            var deletedTicks = reader.ReadInt64();
            var paramCount = reader.ReadInt32();
            var parameters = new Dictionary<string, object>(paramCount, StringComparer.Ordinal);
            for (var j = 0; j < paramCount; j++)
            {
                var key = Name();
                parameters[key] = reader.ReadByte() switch
                {
                    (byte)'i' => reader.ReadInt64(),
                    (byte)'f' => reader.ReadDouble(),
                    (byte)'b' => reader.ReadBoolean(),
                    (byte)'s' => reader.ReadString(),
                    _ => throw new InvalidDataException("unknown param type"),
                };
            }
            var metricCount = reader.ReadInt32();
            var metrics = new Dictionary<string, double>(metricCount, StringComparer.Ordinal);
            for (var j = 0; j < metricCount; j++)
                metrics[Name()] = reader.ReadDouble();
            var tagCount = reader.ReadInt32();
            var tags = new Dictionary<string, string>(tagCount, StringComparer.Ordinal);
            for (var j = 0; j < tagCount; j++)
                tags[Name()] = reader.ReadString();
            index._runs[id] = (tree, new RunSummary
            {
                Id = id,
                Name = name,
                Status = status,
                ExitCode = hasExit ? exit : null,
                StartedAt = started,
                EndedAt = endedTicks < 0 ? null : new DateTimeOffset(endedTicks, TimeSpan.Zero),
                Process = process,
                SourceCommit = sourceCommit,
                SourceBranch = sourceBranch,
                Parent = parent,
                Note = note,
                DeletedAt = deletedTicks < 0 ? null : new DateTimeOffset(deletedTicks, TimeSpan.Zero),
                Params = parameters,
                Metrics = metrics,
                Tags = tags,
            });
        }
        var unreadable = reader.ReadInt32();
        for (var i = 0; i < unreadable; i++)
        {
            var path = reader.ReadString();
            index._unreadable[path] = (reader.ReadString(), reader.ReadString());
        }
        if (reader.BaseStream.Position != bytes.Length)
            throw new InvalidDataException("trailing bytes in the run index");
        return index;
    }
}
