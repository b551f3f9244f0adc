using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GitTrack.Cli.Watch;

/// <summary>
/// The interactive dashboard: Spectre.Console's live display on the terminal's alternate screen, drawn again at
/// every refresh, key press and change of terminal size, until <c>q</c>, Ctrl-C, SIGTERM or SIGHUP. Leaving it
/// restores the screen that was there and shows the cursor again.
/// </summary>
internal sealed class DashboardScreen
{
    private readonly WatchModel _model;
    private readonly TimeSpan _refresh;
    private readonly WatchState _state = new();
    private readonly IAnsiConsole _console;
    private volatile bool _stopRequested;

    public DashboardScreen(WatchModel model, TimeSpan refresh, IAnsiConsole console)
    {
        _model = model;
        _refresh = refresh;
        _console = console;
    }

    public void Run(MachineMonitor machine)
    {
        // Ctrl-C arrives as a key (the terminal sends no SIGINT while we read keys), so quitting is one path;
        // signals from elsewhere end the loop the same way.
        var treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _stopRequested = true;
            }));
        try
        {
            _console.AlternateScreen(() =>
            {
                while (!_state.Quit && !_stopRequested)
                    RunAtSize(machine);
            });
        }
        finally
        {
            _console.Cursor.Show(true);
            foreach (var registration in registrations)
                registration.Dispose();
            Console.TreatControlCAsInput = treatControlC;
        }
    }

    /// <summary>
    /// One live display for as long as the terminal keeps its size. Spectre's live display keeps the largest shape
    /// it has drawn, so a resize starts a fresh one on a cleared screen rather than drawing over a stale shape.
    /// </summary>
    private void RunAtSize(MachineMonitor machine)
    {
        var size = Size();
        _console.Clear(home: true);
        _console.Live(Render(machine, size)).AutoClear(false).Overflow(VerticalOverflow.Crop).Cropping(VerticalOverflowCropping.Bottom)
            .Start(context =>
            {
                var nextRead = DateTime.UtcNow + _refresh;
                while (!_state.Quit && !_stopRequested)
                {
                    var redraw = false;
                    while (Console.KeyAvailable)
                    {
                        var key = Console.ReadKey(intercept: true);
                        var runs = _model.Runs;
                        var selected = runs.Count > 0 ? runs[Math.Clamp(_state.Run, 0, runs.Count - 1)] : null;
                        if (_state.Apply(key, selected?.Metrics ?? [], runs.Count))
                            redraw = true;
                        if (key.KeyChar == 'r')
                            nextRead = DateTime.MinValue;
                    }
                    if (_state.Quit)
                        return;
                    if (Size() != size)
                        return; // redrawn from scratch at the new size
                    if (DateTime.UtcNow >= nextRead)
                    {
                        _model.Refresh();
                        nextRead = DateTime.UtcNow + _refresh;
                        redraw = true; // elapsed times and the log tail move even when no run changed
                    }
                    if (redraw)
                    {
                        context.UpdateTarget(Render(machine, size));
                        context.Refresh();
                    }
                    Thread.Sleep(40);
                }
            });
    }

    private IRenderable Render(MachineMonitor machine, (int Width, int Height) size)
    {
        var frame = DashboardFrame.Build(_model, _state, machine.Values, size.Width, size.Height, DateTimeOffset.Now);
        var middle = new Layout("middle").SplitColumns(
            new Layout("chart", Panel(frame.Chart)),
            new Layout("system", Panel(frame.System)).Size(frame.System.Width));
        var rows = new List<Layout>
        {
            new Layout("header", Paragraph([frame.Header], size.Width)).Size(1),
            new Layout("runs", Panel(frame.Runs)).Size(frame.Runs.Height),
            middle.Size(frame.Chart.Height),
        };
        if (frame.Log.Height > 2)
            rows.Add(new Layout("log", Panel(frame.Log)).Size(frame.Log.Height));
        return new Layout("root").SplitRows([.. rows]);
    }

    private static Panel Panel(DashboardPanel panel) =>
        new Panel(Paragraph(panel.Lines, panel.Width - 4))
        {
            Header = new PanelHeader(" " + Markup.Escape(panel.Title) + " "),
            Border = BoxBorder.Rounded,
            BorderStyle = Style.Parse("grey"),
            Padding = new Padding(1, 0, 1, 0),
            Expand = true,
            Height = panel.Height,
        };

    /// <summary>The lines, each cut to <paramref name="width"/> columns: a panel line never wraps onto the next.</summary>
    private static Paragraph Paragraph(IReadOnlyList<StyledLine> lines, int width)
    {
        var paragraph = new Paragraph { Overflow = Overflow.Crop };
        for (var i = 0; i < lines.Count; i++)
        {
            var left = width;
            foreach (var (text, style) in lines[i].Parts)
            {
                var shown = TerminalText.Crop(text, left);
                if (shown.Length > 0)
                    paragraph.Append(shown, style);
                left -= TerminalText.Width(shown);
                if (left <= 0)
                    break;
            }
            if (i < lines.Count - 1)
                paragraph.Append("\n");
        }
        return paragraph;
    }

    private (int Width, int Height) Size() => (_console.Profile.Width, _console.Profile.Height);
}
