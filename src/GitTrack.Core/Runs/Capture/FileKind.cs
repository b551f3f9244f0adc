namespace GitTrack.Core.Runs.Capture;

/// <summary>What a path names, as <c>lstat(2)</c> tells it: only <see cref="Regular"/> files are read from a run's scratch folder.</summary>
public enum FileKind
{
    Missing = 0,
    Regular = 1,
    Directory = 2,
    SymbolicLink = 3,
    /// <summary>A named pipe (<c>mkfifo</c>): opening it for reading waits for a writer, reading it waits for data.</summary>
    Fifo = 4,
    /// <summary>A character device such as <c>/dev/zero</c> or a terminal: it may never end.</summary>
    CharacterDevice = 5,
    BlockDevice = 6,
    Socket = 7,
}
