namespace GitTrack.Cli.Watch;

/// <summary>
/// The dashboard as plain text, for output that is not an interactive terminal (a pipe, a file, <c>TERM=dumb</c>):
/// each panel's title and lines once, no colours, no escape sequences.
/// </summary>
internal static class PlainSnapshot
{
    public static void Write(TextWriter output, DashboardFrame frame)
    {
        output.WriteLine(frame.Header.Text.Trim());
        foreach (var panel in new[] { frame.Runs, frame.Chart, frame.System, frame.Log })
        {
            if (panel.Lines.Count == 0)
                continue;
            output.WriteLine();
            output.WriteLine($"== {panel.Title} ==");
            foreach (var line in panel.Lines)
                output.WriteLine(line.Text.TrimEnd());
        }
    }
}
