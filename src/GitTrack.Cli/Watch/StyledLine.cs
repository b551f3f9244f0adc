using Spectre.Console;

namespace GitTrack.Cli.Watch;

/// <summary>One line of a panel as pieces of text, each with its style; the plain snapshot prints the text alone.</summary>
internal sealed class StyledLine
{
    public List<(string Text, Style Style)> Parts { get; } = [];

    public StyledLine Add(string text, Style? style = null)
    {
        Parts.Add((text, style ?? Style.Plain));
        return this;
    }

    public static StyledLine Of(string text, Style? style = null) => new StyledLine().Add(text, style);

    public string Text => string.Concat(Parts.Select(p => p.Text));

    public override string ToString() => Text;
}
