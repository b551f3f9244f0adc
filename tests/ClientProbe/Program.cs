// Scenarios for tests/GitTrack.Client.Tests, chosen by the first argument.
using System.Globalization;
using GitTrack.Client;

switch (args.FirstOrDefault())
{
    case "many":
        // Nothing lost at a normal end: more than one buffer's worth, and no explicit flush.
        var run = Run.Current;
        int count = int.Parse(args[1], CultureInfo.InvariantCulture);
        run.LogParam("count", count);
        run.SetTag("stage", "probe");
        for (int i = 0; i < count; i++)
            run.LogMetric("loss", 1.0 / (i + 1), step: i);
        run.LogMetrics(new Dictionary<string, double> { ["nan"] = double.NaN, ["inf"] = double.PositiveInfinity }, step: count);
        File.WriteAllText("model.bin", "weights");
        run.LogArtifact("model.bin");
        return 0;
    case "throw":
        Run.Current.LogMetric("loss", 0.5, step: 1);
        throw new InvalidOperationException("diverged at epoch 3");
    case "params":
        // Prints each param read from the run with its .NET type.
        foreach (var (name, value) in Run.Current.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            Console.WriteLine($"{name}={value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}");
        Console.WriteLine($"lr+1={Run.Current.GetParam("lr", 0.0) + 1}");
        return 0;
    case "anonymous":
        Run.Current.LogParams(new { lr = 0.25, layers = 3, optimizer = "adam", bias = true, ratio = 1.5f });
        return 0;
    case "floats":
        // Prints each param read from the run with its .NET type, and logs floats with no fraction and non-finite ones.
        foreach (var (name, value) in Run.Current.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            Console.WriteLine($"{name}={value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}");
        Run.Current.LogParam("whole", 2.0);
        Run.Current.LogParam("nan", double.NaN);
        Run.Current.LogParam("ninf", double.NegativeInfinity);
        return 0;
    case "defaults":
        // Defaults read in code: recorded unless the run has the param.
        var epochs = Run.Current.GetParam("epochs", 30);
        var lr = Run.Current.GetParam("lr", 0.1);
        var ratio = Run.Current.GetParam("ratio", 1.0);
        var modelName = Run.Current.GetParam("name", "resnet");
        var layers = Run.Current.GetParam("layers", new[] { 64, 32 });
        Console.WriteLine(FormattableString.Invariant($"epochs={epochs} lr={lr} ratio={ratio} name={modelName} layers={layers.Length}"));
        return 0;
    case "input":
        // Data the program reads: a file by its key, a folder stored too (docs/protocol.md, "input").
        Directory.CreateDirectory("data/set");
        File.WriteAllText("data/train.csv", "x\n1\n");
        File.WriteAllText("data/set/a.txt", "a");
        Run.Current.LogInput("data/train.csv");
        Run.Current.LogInput("data/set", store: true);
        return 0;
    case "untracked":
        var untracked = Run.Current;
        untracked.LogMetric("loss", 1, step: 1);
        untracked.LogMetrics(new Dictionary<string, double> { ["a"] = 1 });
        untracked.LogParam("lr", 0.1);
        untracked.SetTag("t", "v");
        Console.WriteLine($"tracked={untracked.IsTracked}");
        return 0;
    case "start":
        // A program recording itself, without gittrack run.
        using (var started = Run.Start(args.ElementAtOrDefault(1), new { lr = 0.5, epochs = 3 }, new Dictionary<string, string> { ["kind"] = "in-process" }))
        {
            for (int i = 0; i < 1000; i++)
                started.LogMetric("loss", i, step: i);
            Console.WriteLine($"started={started.Id}");
        }
        return 0;
    case "start-throw":
        var crashing = Run.Start("crashing");
        crashing.LogMetric("loss", 2.5, step: 1);
        throw new InvalidOperationException("out of memory in layer 2");
    case "start-child":
        using (var parent = Run.Start("pipeline"))
        using (var child = parent.StartChild("step-1", new Dictionary<string, object> { ["k"] = 5 }))
        {
            Run.Current.LogMetric("child_metric", 1);
            Console.WriteLine($"parent={parent.Id} child={child.Id}");
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: ClientProbe many N | throw | params | floats | defaults | anonymous | untracked | start [NAME] | start-throw | start-child");
        return 2;
}
