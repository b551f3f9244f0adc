using System.Globalization;
using System.Text;
using GitTrack.Core.Diff;
using GitTrack.Core.Storage;

namespace GitTrack.Cli.Rendering;

/// <summary>
/// <c>gittrack diff</c> for people: one section per kind of thing, a line per difference marked <c>+</c> (only in B),
/// <c>-</c> (only in A), <c>~</c> (changed) or <c>=</c> (same, with --all), then git's own stat or patch of the code.
/// On a terminal lines are coloured (added and better green, removed and worse red, changed yellow).
/// </summary>
public static class DiffText
{
    private const string Green = "\u001b[32m", Red = "\u001b[31m", Yellow = "\u001b[33m", Bold = "\u001b[1m", Reset = "\u001b[0m";

    public static void Write(TextWriter output, RunDiff diff, GitDirectories directories, bool all, bool fullCode, bool color)
    {
        var text = new StringBuilder();
        // Every line holds data from the runs (names, keys, values, paths): escaped before it is coloured.
        string Paint(string line, string? colour) => color && colour is not null ? colour + TerminalText.Escape(line) + Reset : TerminalText.Escape(line);
        void Heading(string name) => text.Append('\n').Append(color ? Bold + name + Reset : name).Append('\n');
        bool Show(ChangeKind kind) => all || kind != ChangeKind.Same;

        text.Append(TerminalText.Escape($"diff {diff.A.Name} ({diff.A.Id[..8]}) -> {diff.B.Name} ({diff.B.Id[..8]})")).Append('\n');

        void Values(string heading, IReadOnlyList<ValueChange> changes)
        {
            var shown = changes.Where(c => Show(c.Kind)).ToArray();
            if (shown.Length == 0)
                return;
            Heading(heading);
            var width = shown.Max(c => TerminalText.Escape(c.Name).Length);
            foreach (var change in shown)
            {
                var (mark, colour, value) = change.Kind switch
                {
                    ChangeKind.Added => ("+", Green, Value(change.New)),
                    ChangeKind.Removed => ("-", Red, Value(change.Old)),
                    ChangeKind.Changed => ("~", Yellow, $"{Value(change.Old)} -> {Value(change.New)}"),
                    _ => ("=", (string?)null, Value(change.Old)),
                };
                text.Append(Paint($"{mark} {TerminalText.Escape(change.Name).PadRight(width)}  {value}", colour)).Append('\n');
            }
        }

        Values("params", diff.Params);

        var metrics = diff.Metrics.Where(m => Show(m.Kind)).ToArray();
        if (metrics.Length > 0)
        {
            Heading("metrics");
            var rows = metrics.Select(m => new[]
            {
                m.Kind switch { ChangeKind.Added => "+", ChangeKind.Removed => "-", ChangeKind.Changed => "~", _ => "=" },
                TerminalText.Escape(m.Name),
                m.Old is { } o ? Formats.Number(o) : "-",
                m.New is { } n ? Formats.Number(n) : "-",
                m.Absolute is { } abs ? (abs > 0 ? "+" : "") + Formats.Number(abs) : "",
                m.Relative is { } rel ? (rel > 0 ? "+" : "") + (rel * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "",
                m.Verdict switch { MetricVerdict.Better => "better", MetricVerdict.Worse => "worse", _ => "" },
            }).ToList();
            rows.Insert(0, [" ", "NAME", "A", "B", "CHANGE", "%", ""]);
            var widths = Enumerable.Range(0, 7).Select(i => rows.Max(r => r[i].Length)).ToArray();
            for (var r = 0; r < rows.Count; r++)
            {
                var cells = rows[r];
                var line = $"{cells[0]} {cells[1].PadRight(widths[1])}  {cells[2].PadLeft(widths[2])}  {cells[3].PadLeft(widths[3])}  {cells[4].PadLeft(widths[4])}  {cells[5].PadLeft(widths[5])}  {cells[6]}".TrimEnd();
                var colour = r == 0 ? null : metrics[r - 1].Verdict switch
                {
                    MetricVerdict.Better => Green,
                    MetricVerdict.Worse => Red,
                    _ => metrics[r - 1].Kind == ChangeKind.Same ? null : Yellow,
                };
                text.Append(Paint(line, colour)).Append('\n');
            }
        }

        Values("tags", diff.Tags);
        Values("run", diff.Fields);

        var artifacts = diff.Artifacts.Where(x => Show(x.Kind)).ToArray();
        if (artifacts.Length > 0)
        {
            Heading("artifacts");
            var width = artifacts.Max(x => TerminalText.Escape(x.Path).Length);
            foreach (var artifact in artifacts)
            {
                var (mark, colour, value) = artifact.Kind switch
                {
                    ChangeKind.Added => ("+", Green, $"{Formats.Bytes(artifact.New!.Size)}  {Short(artifact.New.Key)}"),
                    ChangeKind.Removed => ("-", Red, $"{Formats.Bytes(artifact.Old!.Size)}  {Short(artifact.Old.Key)}"),
                    ChangeKind.Changed => ("~", Yellow, $"{Formats.Bytes(artifact.Old!.Size)} -> {Formats.Bytes(artifact.New!.Size)}  {Short(artifact.Old.Key)} -> {Short(artifact.New.Key)}"),
                    _ => ("=", (string?)null, $"{Formats.Bytes(artifact.Old!.Size)}  {Short(artifact.Old.Key)}"),
                };
                text.Append(Paint($"{mark} {TerminalText.Escape(artifact.Path).PadRight(width)}  {value}", colour)).Append('\n');
            }
        }

        var packages = diff.Packages.Where(x => Show(x.Kind)).ToArray();
        if (packages.Length > 0)
        {
            Heading("packages");
            var width = packages.Max(p => p.Manager.Length + 1 + p.Name.Length);
            foreach (var package in packages)
            {
                var (mark, colour, value) = package.Kind switch
                {
                    ChangeKind.Added => ("+", Green, package.New!),
                    ChangeKind.Removed => ("-", Red, package.Old!),
                    ChangeKind.Changed => ("~", Yellow, $"{package.Old} -> {package.New}"),
                    _ => ("=", (string?)null, package.Old!),
                };
                text.Append(Paint(TerminalText.Escape($"{mark} {(package.Manager + " " + package.Name).PadRight(width)}  {value}"), colour)).Append('\n');
            }
        }

        var inputs = diff.Inputs.Where(x => Show(x.Kind)).ToArray();
        if (inputs.Length > 0)
        {
            Heading("inputs");
            var width = inputs.Max(x => x.Path.Length);
            foreach (var input in inputs)
            {
                var (mark, colour, value) = input.Kind switch
                {
                    ChangeKind.Added => ("+", Green, $"{Formats.Bytes(input.New!.Size)}  {Short(input.New.Key)}"),
                    ChangeKind.Removed => ("-", Red, $"{Formats.Bytes(input.Old!.Size)}  {Short(input.Old.Key)}"),
                    ChangeKind.Changed => ("~", Yellow, $"{Formats.Bytes(input.Old!.Size)} -> {Formats.Bytes(input.New!.Size)}  {Short(input.Old.Key)} -> {Short(input.New.Key)}"),
                    _ => ("=", (string?)null, $"{Formats.Bytes(input.Old!.Size)}  {Short(input.Old.Key)}"),
                };
                text.Append(Paint(TerminalText.Escape($"{mark} {input.Path.PadRight(width)}  {value}"), colour)).Append('\n');
            }
        }

        if (!diff.SameCode || all)
        {
            Heading("code");
            if (diff.SameCode)
                text.Append(CultureInfo.InvariantCulture, $"= same tree {diff.A.Source.Tree}\n");
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"git diff {(fullCode ? "" : "--stat ")}{diff.A.Source.Tree} {diff.B.Source.Tree}\n");
                text.Append(fullCode
                    ? CodeDiff.Patch(directories, diff.A.Source.Tree, diff.B.Source.Tree, color)
                    : CodeDiff.Stat(directories, diff.A.Source.Tree, diff.B.Source.Tree, color));
            }
        }

        if (!diff.HasChanges && !all)
            text.Append("\nno differences\n");
        output.Write(text.ToString());
    }

    private static string Short(Core.Hashing.Blake3Hash key) => key.ToString()[..12];

    private static string Value(object? value) => value switch
    {
        null => "-",
        string s => s,
        _ => Formats.Param(value),
    };
}
