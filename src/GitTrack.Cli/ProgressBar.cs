using System.Diagnostics;

namespace GitTrack.Cli;

/// <summary>
/// A one-line <c>\r</c> progress bar on standard error for work that takes more than about a second. Draws
/// nothing unless standard error is a terminal, nothing during the first second, and clears its line when done.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private const int Width = 30;

    private readonly TextWriter _error;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private TimeSpan _lastDraw = TimeSpan.MinValue;
    private int _drawnLength;
    private string _label;
    private long _total;
    private Func<long, string> _format;

    public ProgressBar(CommandContext context, string label, long total, Func<long, string>? format = null)
    {
        _error = context.Error;
        _enabled = context.ErrorIsTerminal;
        _label = label;
        _total = total;
        _format = format ?? Bytes;
    }

    /// <summary>Starts a new item (another file) on the same line, keeping the one-second delay from the start.</summary>
    public void Restart(string label, long total)
    {
        lock (_lock)
        {
            _label = label;
            _total = total;
        }
    }

    public void Report(long value)
    {
        if (!_enabled)
            return;
        lock (_lock)
        {
            var now = _clock.Elapsed;
            if (now < Delay || now - _lastDraw < Interval)
                return;
            _lastDraw = now;
            if (_total <= 0)
            {
                Draw($"{_label} {_format(value)}");
                return;
            }
            double fraction = Math.Clamp((double)value / _total, 0, 1);
            int filled = (int)(fraction * Width);
            Draw($"{_label} [{new string('#', filled)}{new string(' ', Width - filled)}] {fraction * 100,3:F0}% {_format(value)}/{_format(_total)}");
        }
    }

    private void Draw(string line)
    {
        var pad = _drawnLength > line.Length ? new string(' ', _drawnLength - line.Length) : "";
        _error.Write($"\r{line}{pad}");
        _error.Flush();
        _drawnLength = line.Length;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_drawnLength > 0)
            {
                _error.Write($"\r{new string(' ', _drawnLength)}\r");
                _error.Flush();
                _drawnLength = 0;
            }
        }
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):F1} KiB",
        _ => $"{bytes} B",
    };
}
