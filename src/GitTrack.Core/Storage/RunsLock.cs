using GitTrack.Core.Errors;

namespace GitTrack.Core.Storage;

/// <summary>
/// The exclusive lock around every read-tip/build/commit/update of the runs branch:
/// <c>&lt;common dir&gt;/gittrack/runs.lock</c> held open with <see cref="FileShare.None"/> (flock on Unix, a share
/// lock on Windows). libgit2's reference update is not a compare-and-swap, so without it two writers that read the
/// same tip would each commit on it and the second update would silently drop the first run.
/// </summary>
internal sealed class RunsLock : IDisposable
{
    private readonly FileStream _stream;

    private RunsLock(FileStream stream) => _stream = stream;

    public static RunsLock Acquire(string gitTrackDir, TimeSpan timeout)
    {
        Directory.CreateDirectory(gitTrackDir);
        var path = Path.Combine(gitTrackDir, "runs.lock");
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        while (true)
        {
            try
            {
                return new RunsLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another writer holds it; commits take milliseconds, so back off briefly with jitter.
                Thread.Sleep(delay + Random.Shared.Next(delay + 1));
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException e)
            {
                throw new ConflictException($"could not lock the runs branch within {timeout.TotalSeconds:0} s ({e.Message})",
                    $"another gittrack may be stuck; if none is running, delete {path}");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
