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
internal sealed class RunIndex : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "GTIX"u8;
    // 3: source commit and branch, parent, note and the rm tombstone time (what filters and nesting read).
    // 4: runs that could not be read, with the reason.
    // 5: schema 2 (summaries folded from the run's edits); the same layout, rebuilt once so no schema 1 fold is kept.
    // 6: a head section (what listing, ordering, resolving and nesting read) before the summaries, which are read one
    //    by one when a command needs them, so 100,000 runs are listed without holding 100,000 summaries.
    // 7: each summary ends with the run's inputs and its artifacts' keys (input filters and lineage read no manifest).
    // (2 was used by two different layouts during development.) An index of another version is rebuilt.
    private const int FormatVersion = 7;

    /// <summary>
    /// One run in the index: what ordering, resolving, nesting and hiding read, and where its full summary is (in the
    /// file the index was loaded from, or in memory when it was read from the branch since).
    /// </summary>
    internal sealed class Entry
    {
        public required string Id { get; init; }
        /// <summary>The tree id of the run's folder at the index's tip.</summary>
        public required string Tree { get; init; }
        public required string Name { get; init; }
        public RunStatus Status { get; init; }
        public long StartedTicks { get; init; }
        /// <summary>When the run was hidden (UTC ticks), or -1.</summary>
        public long DeletedTicks { get; init; }
        public string? Parent { get; init; }
        internal RunSummary? Summary { get; init; }
        internal long Offset { get; init; } = -1;
        internal int Length { get; init; }

        public static Entry Of(string tree, RunSummary summary) => new()
        {
            Id = summary.Id,
            Tree = tree,
            Name = summary.Name,
            Status = summary.Status,
            StartedTicks = summary.StartedAt.UtcTicks,
            DeletedTicks = summary.DeletedAt?.UtcTicks ?? -1,
            Parent = summary.Parent,
            Summary = summary,
        };
    }

    /// <summary>The commit the entries describe, or null for an empty index.</summary>
    public string? Tip { get; private set; }

    private Dictionary<string, string> _shardTrees = new(StringComparer.Ordinal);
    private Dictionary<string, Entry> _runs = new(StringComparer.Ordinal);
    private Dictionary<string, (string Tree, string Reason)> _unreadable = new(StringComparer.Ordinal);
    // The file the entries' offsets point into, open since it was read: a newer index renamed over it by another
    // process leaves this one's bytes in place until it is closed.
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _file;
    private long _bodiesStart;
    // Param, metric and tag names repeat across thousands of runs: share one string per name.
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Every run, unordered (heads only; <see cref="Summary"/> reads one run's summary).</summary>
    public IEnumerable<Entry> Entries => _runs.Values;

    /// <summary>Every run's summary, read one at a time.</summary>
    public IEnumerable<RunSummary> Runs => _runs.Values.Select(Summary);

    /// <summary>
    /// How many run folders this index has read from the branch since it was loaded (manifests and edits parsed):
    /// an update after a pull that brought N runs reads N, never the runs it already held.
    /// </summary>
    public int RunsRead { get; private set; }

    /// <summary>How many runs the index holds.</summary>
    public int Count => _runs.Count;

    /// <summary>The tree id of a run's folder at <see cref="Tip"/>, or null when the run is not there.</summary>
    public string? TreeOf(string id) => _runs.TryGetValue(id, out var run) ? run.Tree : null;

    /// <summary>A run's head at <see cref="Tip"/>, or null.</summary>
    public Entry? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>A run's summary (read from the index file, not kept: memory stays bounded by what a command holds).</summary>
    public RunSummary Summary(Entry entry)
    {
        if (entry.Summary is { } summary)
            return summary;
        var bytes = new byte[entry.Length];
        if (_file is null || RandomAccess.Read(_file, bytes, _bodiesStart + entry.Offset) != bytes.Length)
            throw new IOException("the run index changed while it was read");
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return ReadSummary(reader, entry.Id, entry.Name, entry.Status, entry.StartedTicks, entry.DeletedTicks, entry.Parent);
    }

    /// <summary>Entries under <c>runs/</c> that are not readable runs, by path, with why; sorted by path.</summary>
    public IReadOnlyList<UnreadableRun> Unreadable =>
        [.. _unreadable.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new UnreadableRun(p.Key, p.Value.Reason))];

    public static string PathIn(string gitTrackDir) => Path.Combine(gitTrackDir, "index", "runs.bin");

    /// <summary>The index of a remote's copy of the runs branch (one file per remote).</summary>
    public static string PathIn(string gitTrackDir, string remote) =>
        Path.Combine(gitTrackDir, "index", $"remote-{Uri.EscapeDataString(remote)}.bin");

    /// <summary>Loads the index file's heads, or an empty index when it is missing or unreadable (it is only a cache).</summary>
    public static RunIndex Load(string path)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? file = null;
        try
        {
            if (File.Exists(path))
            {
                file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var index = Read(file);
                index._file = file;
                return index;
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or InvalidDataException or FormatException
            or ArgumentException or OverflowException or UnauthorizedAccessException)
        {
            file?.Dispose();
            // Fall through to a rebuild.
        }
        return new RunIndex();
    }

    /// <summary>
    /// Brings the index to <paramref name="tip"/>; returns true when anything changed (so it should be saved). Only
    /// shards whose tree id changed are listed, and only runs whose folder's tree id is new are read from the branch;
    /// <paramref name="donor"/> (another source's index) lends the summaries of run folders it already read, so a
    /// pull that brought 10,000 runs reads them once, not once per copy of the branch.
    /// </summary>
    public bool UpdateTo(GitRepository git, string? tip, RunIndex? donor = null)
    {
        var tipId = tip;
        if (tipId == Tip)
            return false;
        var shardTrees = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var unreadable = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        // A shard whose tree id did not change holds exactly the runs it held: copy them without reading the tree.
        var oldByShard = _runs.GroupBy(p => p.Key[..2], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var oldUnreadableByShard = _unreadable.GroupBy(p => ShardOfPath(p.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var runsEntry = tip is null ? null : git.EntryAt(git.ReadCommit(tip).Tree, RunPath.RunsFolder);
        var toRead = new List<(string Shard, GitTreeEntry Run, string Path)>();
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
                    if (donor?.Find(id) is { } lent && lent.Tree == runTreeSha)
                    {
                        runs[id] = Entry.Of(runTreeSha, donor.Summary(lent));
                        continue;
                    }
                    if (_unreadable.TryGetValue(path, out var bad) && bad.Tree == runTreeSha)
                    {
                        unreadable[path] = bad;
                        continue;
                    }
                    toRead.Add((shard.Name, runEntry, path));
                }
            }
        }
        RunsRead += toRead.Count;
        foreach (var (shard, runEntry, path, summary, problem) in ReadRuns(git, toRead))
        {
            if (summary is not null)
                runs[runEntry.Name] = Entry.Of(runEntry.Id, summary);
            else
                unreadable[path] = (runEntry.Id, problem!);
        }
        _shardTrees = shardTrees;
        _runs = runs;
        _unreadable = unreadable;
        Tip = tipId;
        return true;
    }

    /// <summary>
    /// Reads run folders from the branch: side by side on every core when there are many (a pull that brought
    /// thousands), each thread through a repository of its own (libgit2 objects stay on one thread).
    /// </summary>
    private static List<(string Shard, GitTreeEntry Run, string Path, RunSummary? Summary, string? Problem)> ReadRuns(
        GitRepository git, List<(string Shard, GitTreeEntry Run, string Path)> runs)
    {
        var results = new (string, GitTreeEntry, string, RunSummary?, string?)[runs.Count];
        void ReadRange(GitRepository repository, int from, int step)
        {
            for (var i = from; i < runs.Count; i += step)
            {
                var (shard, entry, path) = runs[i];
                try
                {
                    var (run, hiddenAt) = RunReader.ReadFolder(repository, shard, entry).Folded;
                    results[i] = (shard, entry, path, RunSummary.Of(run, hiddenAt), null);
                }
                catch (CorruptDataException e)
                {
                    results[i] = (shard, entry, path, null, e.Message);
                }
            }
        }
        var threads = runs.Count < 512 ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 8);
        if (threads == 1)
        {
            ReadRange(git, 0, 1);
            return [.. results];
        }
        var failures = new List<Exception>();
        var workers = Enumerable.Range(1, threads - 1).Select(t => new Thread(() =>
        {
            try
            {
                using var own = GitRepository.Open(git.Directories);
                ReadRange(own, t, threads);
            }
            catch (Exception e)
            {
                lock (failures)
                    failures.Add(e);
            }
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        ReadRange(git, 0, threads);
        foreach (var worker in workers)
            worker.Join();
        if (failures.Count > 0)
            throw failures[0];
        return [.. results];
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
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            Write(stream);
        File.Move(temp, path, overwrite: true);
    }

    // Layout: magic, version, the head section's length (long), the head section, then the summaries one after another.
    // Written in one pass without holding every summary: the summaries read from the branch since the index was loaded
    // are encoded first (their lengths place the others), the rest are copied from the old file straight to the new.
    private void Write(Stream output)
    {
        var placed = new List<(Entry Entry, long Offset, int Length)>(_runs.Count);
        var encoded = new Dictionary<Entry, byte[]>();
        long position = 0;
        foreach (var entry in _runs.Values)
        {
            int length;
            if (entry.Summary is { } summary)
            {
                using var one = new MemoryStream();
                using (var bodyWriter = new BinaryWriter(one, Encoding.UTF8, leaveOpen: true))
                    WriteSummary(bodyWriter, summary);
                var bytes = one.ToArray();
                encoded[entry] = bytes;
                length = bytes.Length;
            }
            else
                length = entry.Length;
            placed.Add((entry, position, length));
            position += length;
        }
        using var head = new MemoryStream();
        using (var writer = new BinaryWriter(head, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Tip ?? "");
            writer.Write(_shardTrees.Count);
            foreach (var (shard, sha) in _shardTrees)
            {
                writer.Write(shard);
                writer.Write(sha);
            }
            writer.Write(placed.Count);
            foreach (var (entry, offset, length) in placed)
            {
                writer.Write(entry.Id);
                writer.Write(entry.Tree);
                writer.Write(entry.Name);
                writer.Write((byte)entry.Status);
                writer.Write(entry.StartedTicks);
                writer.Write(entry.DeletedTicks);
                OptionalString(writer, entry.Parent);
                writer.Write(offset);
                writer.Write(length);
            }
            writer.Write(_unreadable.Count);
            foreach (var (path, (tree, reason)) in _unreadable)
            {
                writer.Write(path);
                writer.Write(tree);
                writer.Write(reason);
            }
        }
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(head.Length);
        }
        head.Position = 0;
        head.CopyTo(output);
        var copy = Array.Empty<byte>();
        foreach (var (entry, _, length) in placed)
        {
            if (encoded.TryGetValue(entry, out var bytes))
            {
                output.Write(bytes);
                continue;
            }
            // Unchanged since it was loaded: its bytes are copied as they are, never decoded.
            if (copy.Length < length)
                copy = new byte[Math.Max(length, 4096)];
            if (_file is null || RandomAccess.Read(_file, copy.AsSpan(0, length), _bodiesStart + entry.Offset) != length)
                throw new IOException("the run index changed while it was read");
            output.Write(copy, 0, length);
        }
    }

    // What the head section does not hold: the rest of a summary.
    private static void WriteSummary(BinaryWriter writer, RunSummary run)
    {
        writer.Write(run.ExitCode ?? int.MinValue);
        writer.Write(run.ExitCode is not null);
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
        OptionalString(writer, run.Note);
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
        writer.Write(run.Inputs.Count);
        foreach (var input in run.Inputs)
        {
            writer.Write(input.Path);
            WriteKey(writer, input.Key);
            writer.Write(input.Size);
            writer.Write(input.IsFolder);
            writer.Write(input.Files);
            writer.Write(input.Stored);
        }
        writer.Write(run.ArtifactKeys.Count);
        foreach (var key in run.ArtifactKeys)
            WriteKey(writer, key);
    }

    private static void WriteKey(BinaryWriter writer, Hashing.Blake3Hash key)
    {
        Span<byte> bytes = stackalloc byte[Hashing.Blake3Hash.Length];
        key.CopyTo(bytes);
        writer.Write(bytes);
    }

    private static void OptionalString(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
            writer.Write(value);
    }

    private string Name(BinaryReader reader)
    {
        var name = reader.ReadString();
        lock (_names)
        {
            if (_names.TryGetValue(name, out var shared))
                return shared;
            _names[name] = name;
        }
        return name;
    }

    private RunSummary ReadSummary(BinaryReader reader, string id, string name, RunStatus status, long startedTicks, long deletedTicks, string? parent)
    {
        var exit = reader.ReadInt32();
        var hasExit = reader.ReadBoolean();
        var endedTicks = reader.ReadInt64();
        ProcessInfo? process = null;
        if (reader.ReadBoolean())
        {
            var pid = reader.ReadInt32();
            var host = Name(reader);
            var boot = reader.ReadString();
            process = new ProcessInfo(pid, host, boot.Length == 0 ? null : boot);
        }
        var sourceCommit = reader.ReadBoolean() ? Name(reader) : null;
        var sourceBranch = reader.ReadBoolean() ? Name(reader) : null;
        var note = reader.ReadBoolean() ? reader.ReadString() : null;
        var paramCount = reader.ReadInt32();
        var parameters = new Dictionary<string, object>(paramCount, StringComparer.Ordinal);
        for (var j = 0; j < paramCount; j++)
        {
            var key = Name(reader);
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
            metrics[Name(reader)] = reader.ReadDouble();
        var tagCount = reader.ReadInt32();
        var tags = new Dictionary<string, string>(tagCount, StringComparer.Ordinal);
        for (var j = 0; j < tagCount; j++)
            tags[Name(reader)] = reader.ReadString();
        var inputCount = reader.ReadInt32();
        var inputs = new InputEntry[inputCount];
        for (var j = 0; j < inputCount; j++)
        {
            var path = reader.ReadString();
            var key = ReadKey(reader);
            inputs[j] = new InputEntry(path, key, reader.ReadInt64(), IsFolder: reader.ReadBoolean(), Files: reader.ReadInt64(), Stored: reader.ReadBoolean());
        }
        var artifactCount = reader.ReadInt32();
        var artifactKeys = new Hashing.Blake3Hash[artifactCount];
        for (var j = 0; j < artifactCount; j++)
            artifactKeys[j] = ReadKey(reader);
        return new RunSummary
        {
            Id = id,
            Name = name,
            Status = status,
            ExitCode = hasExit ? exit : null,
            StartedAt = new DateTimeOffset(startedTicks, TimeSpan.Zero),
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
            Inputs = inputs,
            ArtifactKeys = artifactKeys,
        };
    }

    private static Hashing.Blake3Hash ReadKey(BinaryReader reader)
    {
        Span<byte> bytes = stackalloc byte[Hashing.Blake3Hash.Length];
        if (reader.Read(bytes) != bytes.Length)
            throw new EndOfStreamException();
        return new Hashing.Blake3Hash(bytes);
    }

    private static RunIndex Read(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        var length = RandomAccess.GetLength(file);
        var start = new byte[16];
        if (length < start.Length || RandomAccess.Read(file, start, 0) != start.Length
            || !start.AsSpan(0, 4).SequenceEqual(Magic) || BitConverter.ToInt32(start, 4) != FormatVersion)
            throw new InvalidDataException("not a gittrack run index");
        var headLength = BitConverter.ToInt64(start, 8);
        if (headLength < 0 || headLength > length - start.Length)
            throw new InvalidDataException("truncated run index");
        var bytes = new byte[headLength];
        if (RandomAccess.Read(file, bytes, start.Length) != bytes.Length)
            throw new InvalidDataException("truncated run index");
        var bodiesLength = length - start.Length - headLength;
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var index = new RunIndex { _bodiesStart = start.Length + headLength };
        var tip = reader.ReadString();
        index.Tip = tip.Length == 0 ? null : tip;
        var shards = reader.ReadInt32();
        for (var i = 0; i < shards; i++)
            index._shardTrees[reader.ReadString()] = reader.ReadString();
        var count = reader.ReadInt32();
        index._runs.EnsureCapacity(count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var entry = new Entry
            {
                Id = id,
                Tree = reader.ReadString(),
                Name = reader.ReadString(),
                Status = (RunStatus)reader.ReadByte(),
                StartedTicks = reader.ReadInt64(),
                DeletedTicks = reader.ReadInt64(),
                Parent = reader.ReadBoolean() ? reader.ReadString() : null,
                Offset = reader.ReadInt64(),
                Length = reader.ReadInt32(),
            };
            if (entry.Offset < 0 || entry.Length < 0 || entry.Offset + entry.Length > bodiesLength)
                throw new InvalidDataException("a run index entry points outside the file");
            index._runs[id] = entry;
        }
        var unreadable = reader.ReadInt32();
        for (var i = 0; i < unreadable; i++)
        {
            var path = reader.ReadString();
            index._unreadable[path] = (reader.ReadString(), reader.ReadString());
        }
        if (reader.BaseStream.Position != bytes.Length)
            throw new InvalidDataException("trailing bytes in the run index head");
        return index;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
