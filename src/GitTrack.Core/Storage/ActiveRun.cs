using System.Buffers.Binary;
using System.Text;
using GitTrack.Core.Errors;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Storage;

/// <summary>
/// The local folder of a run being recorded on this machine, <c>&lt;common dir&gt;/gittrack/active/&lt;id&gt;/</c>
/// (docs/format.md, "Checkpoints"). Checkpoints live here, not as commits on the shared branch: the manifest as of the
/// last checkpoint (<c>checkpoint.toml</c>, replaced atomically) and the metric points saved so far (<c>history.bin</c>,
/// append-only), beside the events, params and log files the command writes to. The recorder holds an exclusive lock
/// on <c>lock</c> for the run's whole life, so "can I take the lock" is an exact test of whether the recorder is
/// still alive; the next gittrack to find the folder unlocked commits what it holds (<see cref="RunStore"/>'s recovery).
/// </summary>
public sealed class ActiveRun : IDisposable
{
    private FileStream? _lock;

    private ActiveRun(string folder, string id, FileStream? lockStream)
    {
        Folder = folder;
        Id = id;
        _lock = lockStream;
    }

    public string Id { get; }
    public string Folder { get; }
    public string EventsPath => Path.Combine(Folder, "events.jsonl");
    public string ParamsPath => Path.Combine(Folder, "params.json");
    public string LogPath => Path.Combine(Folder, "output.log");
    public string CheckpointPath => Path.Combine(Folder, "checkpoint.toml");
    public string HistoryPath => Path.Combine(Folder, "history.bin");
    /// <summary>The run as it ended, kept when its final commit could not be made (a full disk): recovery commits it.</summary>
    public string FinalPath => Path.Combine(Folder, "final.toml");
    private string LockPath => Path.Combine(Folder, "lock");
    /// <summary>Space set aside when the run starts, given back when the disk is full at its end (<see cref="ReleaseReserve"/>).</summary>
    public string ReservePath => Path.Combine(Folder, "reserve");

    /// <summary>The size of <see cref="ReservePath"/>: room for the final manifest and the unsaved points of a full disk.</summary>
    public const long ReserveBytes = 4 << 20;

    public static string RootIn(string gitTrackDir) => Path.Combine(gitTrackDir, "active");

    /// <summary>
    /// Makes the folder of a new run and takes its lock. The folder is built under a temporary name and renamed into
    /// place with the lock already held, so another gittrack never sees it unlocked while its recorder is alive.
    /// </summary>
    public static ActiveRun Create(string gitTrackDir, string id)
    {
        var root = RootIn(gitTrackDir);
        Directory.CreateDirectory(root);
        var temporary = Path.Combine(root, $".new-{id}-{Environment.ProcessId}");
        Directory.CreateDirectory(temporary);
        var lockStream = new FileStream(Path.Combine(temporary, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        var folder = Path.Combine(root, id);
        try
        {
            Directory.Move(temporary, folder);
        }
        catch
        {
            lockStream.Dispose();
            Directory.Delete(temporary, recursive: true);
            throw;
        }
        var run = new ActiveRun(folder, id, lockStream);
        File.WriteAllBytes(run.EventsPath, []);
        run.Reserve();
        return run;
    }

    /// <summary>The folder of a run being recorded here, for reading only (no lock), or null when there is none.</summary>
    public static ActiveRun? Find(string gitTrackDir, string id)
    {
        var folder = Path.Combine(RootIn(gitTrackDir), id);
        return Directory.Exists(folder) ? new ActiveRun(folder, id, null) : null;
    }

    /// <summary>
    /// Takes the lock of a run folder whose recorder is gone, for recovery; null while its recorder still holds it
    /// (or another gittrack is recovering it right now).
    /// </summary>
    public static ActiveRun? TryClaim(string folder)
    {
        try
        {
            var stream = new FileStream(Path.Combine(folder, "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new ActiveRun(folder, Path.GetFileName(folder), stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True while a recorder holds this run's lock (checked without taking it for longer than a moment).</summary>
    public bool IsRecording()
    {
        if (_lock is not null)
            return true;
        try
        {
            using var probe = new FileStream(LockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // someone else's run, in a shared repository: assume it is alive
        }
    }

    /// <summary>Replaces <c>checkpoint.toml</c> with <paramref name="run"/>, atomically (written aside, flushed, renamed).</summary>
    public void WriteCheckpoint(RunRecord run) => WriteAtomically(CheckpointPath, ManifestToml.Write(run));

    /// <summary>Keeps the run as it ended, for recovery, when the final commit could not be made.</summary>
    public void WriteFinal(RunRecord run) => WriteAtomically(FinalPath, ManifestToml.Write(run));

    /// <summary>
    /// Sets <see cref="ReserveBytes"/> aside (allocated, not written: <c>fallocate</c>), so that a disk that fills up
    /// while the run records still has room for <see cref="WriteFinal"/> once <see cref="ReleaseReserve"/> frees it.
    /// Best effort: a disk already too full for it runs without.
    /// </summary>
    private void Reserve()
    {
        try
        {
            using var reserve = new FileStream(ReservePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                PreallocationSize = ReserveBytes,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(ReservePath); } catch (IOException) { }
        }
    }

    /// <summary>Frees the space <see cref="Reserve"/> set aside, before keeping the run on a full disk.</summary>
    public void ReleaseReserve()
    {
        try { File.Delete(ReservePath); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The last checkpoint's manifest, or null when there is none or it does not read.</summary>
    public RunRecord? ReadCheckpoint() => ReadManifest(CheckpointPath);

    public RunRecord? ReadFinal() => ReadManifest(FinalPath);

    private RunRecord? ReadManifest(string path)
    {
        try
        {
            return File.Exists(path) ? ManifestToml.Read(File.ReadAllText(path), Id) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CorruptDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Appends points to <c>history.bin</c> as one record: a 4-byte little-endian length, then one history segment
    /// (the branch's segment format), flushed to disk. A crash mid-append leaves a short last record, which readers drop.
    /// </summary>
    public void AppendHistory(IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0)
            return;
        using var stream = new FileStream(HistoryPath, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.None);
        var start = stream.Position;
        Span<byte> length = stackalloc byte[4];
        try
        {
            foreach (var segment in MetricHistoryCodec.EncodeSegments(points))
            {
                BinaryPrimitives.WriteInt32LittleEndian(length, segment.Length);
                stream.Write(length);
                stream.Write(segment);
            }
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            // Leave no half record behind a failed write (a full disk): the next append starts clean.
            try { stream.SetLength(start); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Every point in <c>history.bin</c>, in order; a short or damaged last record is dropped.</summary>
    public List<MetricPoint> ReadHistory()
    {
        var points = new List<MetricPoint>();
        byte[] bytes;
        try
        {
            bytes = File.Exists(HistoryPath) ? File.ReadAllBytes(HistoryPath) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return points;
        }
        var position = 0;
        while (position + 4 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
            if (length < 0 || position + 4 + length > bytes.Length)
                break;
            try
            {
                MetricHistoryCodec.DecodeInto(bytes.AsSpan(position + 4, length), $"{Id}/history.bin", points);
            }
            catch (CorruptDataException)
            {
                break;
            }
            position += 4 + length;
        }
        return points;
    }

    /// <summary>When the recorder last wrote anything here (its last sign of life), or null.</summary>
    public DateTimeOffset? LastWrite()
    {
        DateTimeOffset? latest = null;
        foreach (var path in new[] { CheckpointPath, HistoryPath, LogPath, EventsPath })
            if (File.Exists(path) && File.GetLastWriteTimeUtc(path) is var at && (latest is null || at > latest))
                latest = new DateTimeOffset(at, TimeSpan.Zero);
        return latest;
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Removes the folder (the run is committed); the lock goes last.</summary>
    public void Delete()
    {
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => Path.GetFileName(f) != "lock"))
            File.Delete(file);
        foreach (var folder in Directory.EnumerateDirectories(Folder))
            Directory.Delete(folder, recursive: true);
        _lock?.Dispose();
        _lock = null;
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>Lets the lock go without removing anything (the folder stays for recovery).</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
