using System.Runtime.InteropServices;

namespace GitTrack.Core.Runs.Capture;

/// <summary>
/// Catches SIGINT, SIGTERM and SIGHUP from the moment <c>gittrack run</c> starts recording until the child's own
/// handlers (<see cref="TrackedProcess"/>) take over, so a Ctrl-C while the code is snapshotted and the run first
/// committed ends the run as <c>killed</c> instead of killing gittrack and leaving the run to look crashed. The
/// first signal caught is kept; the recorder then does not start the command at all.
/// </summary>
public sealed class EarlySignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _caught; // 0, or the PosixSignal value (negative) of the first signal

    private EarlySignals()
    {
    }

    /// <summary>Starts catching (nothing is caught on Windows, where these signals do not exist).</summary>
    public static EarlySignals Catch()
    {
        var signals = new EarlySignals();
        if (!OperatingSystem.IsWindows())
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
                signals._registrations.Add(PosixSignalRegistration.Create(signal, signals.OnSignal));
        return signals;
    }

    /// <summary>The first signal caught so far, or null.</summary>
    public PosixSignal? Caught => Volatile.Read(ref _caught) is var caught and not 0 ? (PosixSignal)caught : null;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _caught, (int)context.Signal, 0);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }
}
