// Trains a one-hidden-layer neural network (tanh, softmax) with mini-batch SGD on docs/examples/data/moons.csv,
// reading its hyperparameters from the run and logging per-epoch metrics. Run it tracked:
//   gittrack run --param lr=0.1 --param hidden=16 -- dotnet train.dll
using System.Globalization;
using GitTrack.Client;

var run = Run.Current;
double lr = run.GetParam("lr", 0.1);
int hidden = (int)run.GetParam("hidden", 8L);
int epochs = (int)run.GetParam("epochs", 30L);
int batch = (int)run.GetParam("batch", 32L);
int seed = (int)run.GetParam("seed", 1L);
string dataPath = run.GetParam<string?>("data", null) ?? FindData();
string modelPath = run.GetParam("model_out", "model.bin");

var (xs, ys) = LoadCsv(dataPath);
int nTrain = xs.Length * 4 / 5;
var net = new Mlp(2, hidden, 2, new Random(seed));
var order = Enumerable.Range(0, nTrain).ToArray();
var rng = new Random(seed);
Console.WriteLine($"training on {nTrain} rows, validating on {xs.Length - nTrain}: lr={lr} hidden={hidden} epochs={epochs}");

for (int epoch = 1; epoch <= epochs; epoch++)
{
    rng.Shuffle(order);
    double lossSum = 0;
    for (int start = 0; start < nTrain; start += batch)
    {
        int end = Math.Min(start + batch, nTrain);
        lossSum += net.TrainBatch(order[start..end].Select(i => xs[i]).ToArray(), order[start..end].Select(i => ys[i]).ToArray(), lr);
    }
    var (valLoss, valAcc) = net.Evaluate(xs[nTrain..], ys[nTrain..]);
    var (_, trainAcc) = net.Evaluate(xs[..nTrain], ys[..nTrain]);
    run.LogMetrics(new Dictionary<string, double>
    {
        ["train_loss"] = lossSum / nTrain,
        ["train_accuracy"] = trainAcc,
        ["val_loss"] = valLoss,
        ["val_accuracy"] = valAcc,
    }, step: epoch);
    if (epoch % 5 == 0 || epoch == epochs)
        Console.WriteLine($"epoch {epoch,3}  loss {lossSum / nTrain:F4}  val_loss {valLoss:F4}  val_acc {valAcc:F3}");
}

net.Save(modelPath);
run.LogArtifact(modelPath);
Console.WriteLine($"saved {modelPath}");
return 0;

static string FindData()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        foreach (var candidate in new[] { "moons.csv", "data/moons.csv", "docs/examples/data/moons.csv" })
            if (File.Exists(Path.Combine(dir.FullName, candidate)))
                return Path.Combine(dir.FullName, candidate);
    }
    throw new FileNotFoundException("moons.csv not found; pass --param data=PATH");
}

static (double[][] X, int[] Y) LoadCsv(string path)
{
    var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToArray();
    var x = new double[lines.Length][];
    var y = new int[lines.Length];
    for (int i = 0; i < lines.Length; i++)
    {
        var parts = lines[i].Split(',');
        x[i] = [double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture)];
        y[i] = int.Parse(parts[2], CultureInfo.InvariantCulture);
    }
    return (x, y);
}

/// <summary>A two-layer perceptron: input -> tanh hidden layer -> softmax output, trained by plain backpropagation.</summary>
sealed class Mlp
{
    private readonly int _in, _hidden, _out;
    private readonly double[] _w1, _b1, _w2, _b2;

    public Mlp(int inputs, int hidden, int outputs, Random rng)
    {
        (_in, _hidden, _out) = (inputs, hidden, outputs);
        _w1 = Init(inputs * hidden, Math.Sqrt(1.0 / inputs), rng);
        _b1 = new double[hidden];
        _w2 = Init(hidden * outputs, Math.Sqrt(1.0 / hidden), rng);
        _b2 = new double[outputs];
    }

    private static double[] Init(int n, double scale, Random rng) =>
        Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale * Math.Sqrt(3)).ToArray();

    private (double[] H, double[] P) Forward(double[] x)
    {
        var h = new double[_hidden];
        for (int j = 0; j < _hidden; j++)
        {
            double s = _b1[j];
            for (int i = 0; i < _in; i++) s += x[i] * _w1[i * _hidden + j];
            h[j] = Math.Tanh(s);
        }
        var z = new double[_out];
        for (int k = 0; k < _out; k++)
        {
            double s = _b2[k];
            for (int j = 0; j < _hidden; j++) s += h[j] * _w2[j * _out + k];
            z[k] = s;
        }
        double max = z.Max(), sum = 0;
        for (int k = 0; k < _out; k++) { z[k] = Math.Exp(z[k] - max); sum += z[k]; }
        for (int k = 0; k < _out; k++) z[k] /= sum;
        return (h, z);
    }

    public double TrainBatch(double[][] xs, int[] ys, double lr)
    {
        var gw1 = new double[_w1.Length]; var gb1 = new double[_b1.Length];
        var gw2 = new double[_w2.Length]; var gb2 = new double[_b2.Length];
        double loss = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            var (h, p) = Forward(xs[n]);
            loss -= Math.Log(Math.Max(p[ys[n]], 1e-12));
            var dz = (double[])p.Clone();
            dz[ys[n]] -= 1;
            var dh = new double[_hidden];
            for (int j = 0; j < _hidden; j++)
                for (int k = 0; k < _out; k++)
                {
                    gw2[j * _out + k] += h[j] * dz[k];
                    dh[j] += _w2[j * _out + k] * dz[k];
                }
            for (int k = 0; k < _out; k++) gb2[k] += dz[k];
            for (int j = 0; j < _hidden; j++)
            {
                double d = dh[j] * (1 - h[j] * h[j]);
                gb1[j] += d;
                for (int i = 0; i < _in; i++) gw1[i * _hidden + j] += xs[n][i] * d;
            }
        }
        double step = lr / xs.Length;
        for (int i = 0; i < _w1.Length; i++) _w1[i] -= step * gw1[i];
        for (int i = 0; i < _b1.Length; i++) _b1[i] -= step * gb1[i];
        for (int i = 0; i < _w2.Length; i++) _w2[i] -= step * gw2[i];
        for (int i = 0; i < _b2.Length; i++) _b2[i] -= step * gb2[i];
        return loss;
    }

    public (double Loss, double Accuracy) Evaluate(double[][] xs, int[] ys)
    {
        double loss = 0; int correct = 0;
        for (int n = 0; n < xs.Length; n++)
        {
            var (_, p) = Forward(xs[n]);
            loss -= Math.Log(Math.Max(p[ys[n]], 1e-12));
            if ((p[1] > p[0] ? 1 : 0) == ys[n]) correct++;
        }
        return (loss / xs.Length, (double)correct / xs.Length);
    }

    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("gittrack-example-mlp/1");
        foreach (var n in new[] { _in, _hidden, _out }) writer.Write(n);
        foreach (var array in new[] { _w1, _b1, _w2, _b2 })
            foreach (var v in array) writer.Write(v);
    }
}
