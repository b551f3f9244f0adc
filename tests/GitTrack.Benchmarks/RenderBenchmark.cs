using System.Diagnostics;
using System.Globalization;
using GitTrack.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GitTrack.Benchmarks;

/// <summary>
/// What the CLI still writes by hand, beside the maintained libraries that could do it (docs/dependencies.md):
/// an `ls`-shaped table of N rows with <see cref="TextTable"/> and with Spectre.Console's Table set up to print the
/// same plain text (no border, no wrapping, no colour), and the 1M-row CSV of `export --history` with
/// <see cref="Csv"/> and with CsvHelper's writer, both into a buffered writer. Each pair must produce the same text.
/// </summary>
public sealed class RenderBenchmark : IBenchmark
{
    public string Name => "render";
    public string Description => "TextTable vs Spectre.Console Table, Csv vs CsvHelper (options: --rows N --csv-rows N --repeats N)";

    private static readonly string[] Headers = ["ID", "NAME", "STATUS", "STARTED", "DURATION", "params.lr", "params.batch", "params.model", "metrics.loss", "metrics.acc"];

    public int Run(string[] args)
    {
        int rows = Option(args, "--rows", 10_000), csvRows = Option(args, "--csv-rows", 1_000_000), repeats = Option(args, "--repeats", 7);
        var random = new Random(1);
        var table = Enumerable.Range(0, rows).Select(i => new[]
        {
            random.Next().ToString("x8", CultureInfo.InvariantCulture), $"run_{i + 1:000}", i % 7 == 0 ? "failed" : "completed",
            "2026-11-25 07:41", $"{random.Next(1, 3600)}s", (0.001 * random.Next(1, 100)).ToString(CultureInfo.InvariantCulture),
            (16 << random.Next(0, 4)).ToString(CultureInfo.InvariantCulture), "resnet[50]",
            random.NextDouble().ToString("R", CultureInfo.InvariantCulture), random.NextDouble().ToString("F4", CultureInfo.InvariantCulture),
        }).ToList();
        var history = Enumerable.Range(0, csvRows).Select(i => new string?[]
        {
            "0197a3c2f4e1d2b3", "run, \"one\"", i % 2 == 0 ? "loss" : "val/loss", i.ToString(CultureInfo.InvariantCulture),
            "2026-11-25T07:41:00.123Z", (1.0 / (i + 1)).ToString("R", CultureInfo.InvariantCulture),
        }).ToList();

        string Ours()
        {
            var t = new TextTable(Headers).AlignRight(4);
            foreach (var row in table)
                t.Add(row);
            var output = new StringWriter();
            t.Write(output, color: false);
            return output.ToString();
        }
        string WithSpectre()
        {
            var output = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(output),
            });
            console.Profile.Width = 100_000; // never wrap: the output is read by grep and awk
            var t = new Table { Border = TableBorder.None, ShowHeaders = true };
            for (int i = 0; i < Headers.Length; i++)
                t.AddColumn(new TableColumn(new Text(Headers[i]))
                {
                    Padding = new Padding(0, 0, i == Headers.Length - 1 ? 0 : 2, 0), Alignment = i == 4 ? Justify.Right : Justify.Left, NoWrap = true,
                });
            foreach (var row in table)
                t.AddRow(row.Select(c => (IRenderable)new Text(c)));
            console.Write(t);
            return output.ToString();
        }
        // Into a buffered writer that discards the bytes, as `export -o FILE` writes (a StringWriter would time the
        // growth of an 80 MB string); the texts are compared on a StringWriter below.
        static TextWriter Discard() => new StreamWriter(Stream.Null, new System.Text.UTF8Encoding(false), 1 << 16);
        string CsvOurs() => WriteCsvOurs(Discard(), history);
        string CsvWithCsvHelper() => WriteCsvHelper(Discard(), history);
        static string WriteCsvOurs(TextWriter output, IEnumerable<string?[]> rows)
        {
            using (output)
                foreach (var row in rows)
                    Csv.WriteRow(output, row);
            return output.ToString() ?? "";
        }
        static string WriteCsvHelper(TextWriter output, IEnumerable<string?[]> rows)
        {
            using (output)
            using (var csv = CsvHelper.CsvWriter.Create(output, new CsvHelper.CsvWriterOptions { Quoting = CsvHelper.CsvQuoting.WhenNeededOrWhitespace }, true))
            {
                foreach (var row in rows)
                {
                    foreach (var field in row)
                        csv.WriteField(field);
                    csv.EndRecord();
                }
            }
            return output.ToString() ?? "";
        }

        static string TrimLines(string text) => string.Join('\n', text.Split('\n').Select(l => l.TrimEnd()));
        bool sameTable = TrimLines(Ours()) == TrimLines(WithSpectre());
        bool sameCsv = WriteCsvOurs(new StringWriter(), history.Take(100_000)) == WriteCsvHelper(new StringWriter(), history.Take(100_000));
        var contenders = new (string What, Func<string> Run)[]
        {
            ($"table of {rows:N0} rows: TextTable", Ours), ($"table of {rows:N0} rows: Spectre.Console Table", WithSpectre),
            ($"CSV of {csvRows:N0} rows: Csv.WriteRow", CsvOurs), ($"CSV of {csvRows:N0} rows: CsvHelper", CsvWithCsvHelper),
        };
        var times = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < repeats; round++)
            for (int i = 0; i < contenders.Length; i++)
            {
                var sw = Stopwatch.StartNew();
                contenders[i].Run();
                times[i].Add(sw.Elapsed.TotalMilliseconds);
            }
        Console.WriteLine($"# {repeats} interleaved rounds, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"same table text (trailing spaces aside): {sameTable}; same CSV text: {sameCsv}");
        Console.WriteLine();
        Console.WriteLine("| what | median ms | min ms |");
        Console.WriteLine("|---|---:|---:|");
        for (int i = 0; i < contenders.Length; i++)
            Console.WriteLine($"| {contenders[i].What} | {Measure.MedianOf(times[i]):F0} | {times[i].Min():F0} |");
        return sameTable && sameCsv ? 0 : 1;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }
}
