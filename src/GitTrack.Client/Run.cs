using System.Reflection;
using System.Text.Json;
using GitTrack.Core.Runs;

namespace GitTrack.Client;

/// <summary>
/// A GitTrack run seen from the training code. <see cref="Current"/> attaches to the run that
/// <c>gittrack run -- dotnet train.dll</c> started; outside gittrack every call does nothing and one warning on
/// stderr says how to track the program, so the same code runs anywhere.
/// </summary>
/// <example>
/// <code>
/// var run = Run.Current;
/// double lr = run.GetParam("lr", 0.01);
/// run.LogMetric("loss", loss, step: epoch);
/// </code>
/// </example>
public sealed partial class Run : IDisposable
{
    private static readonly Lazy<Run> CurrentRun = new(AttachToEnvironment, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly EventsWriter? _events;
    private readonly Dictionary<string, object> _params;
    private int _warned;

    private Run(string? id, EventsWriter? events, Dictionary<string, object> parameters, RunSession? session = null)
    {
        Id = id;
        _events = events;
        _params = parameters;
        _session = session;
    }

    /// <summary>
    /// The run this code logs to: the innermost run <see cref="Start"/>ed in this process and not ended yet, else the
    /// run this process is being recorded as (through GITTRACK_RUN_ID and GITTRACK_EVENTS), else an untracked one.
    /// </summary>
    public static Run Current => Innermost() ?? CurrentRun.Value;

    /// <summary>The run's id, or null when untracked.</summary>
    public string? Id { get; }

    /// <summary>True when calls are recorded.</summary>
    public bool IsTracked => _events is not null;

    /// <summary>The run's params (long, double, bool or string values), dotted names for nested ones.</summary>
    public IReadOnlyDictionary<string, object> Params => _params;

    /// <summary>
    /// A param converted to <typeparamref name="T"/>, or <paramref name="defaultValue"/> when the run has none of that
    /// name. A default that is a bool, number or string is recorded as the run's param (as MLflow's and W&amp;B's
    /// config APIs do), unless the run gets one of that name otherwise: gittrack keeps a value given with
    /// <c>--param</c>, a params file or <see cref="LogParam"/> over any default (docs/protocol.md).
    /// </summary>
    public T GetParam<T>(string name, T defaultValue)
    {
        if (!_params.TryGetValue(name, out var value))
        {
            RecordDefault(name, defaultValue);
            return defaultValue;
        }
        if (value is T typed)
            return typed;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void RecordDefault(string name, object? value)
    {
        // Only what a param can hold; an array or an options object is used but not recorded.
        if (_events is null || string.IsNullOrEmpty(name) || value is not (bool or string or long or double or int or short or sbyte
            or byte or ushort or uint or float or decimal or Enum))
            return;
        var normalized = NormalizeParam(name, value);
        _events.Event(json =>
        {
            json.WriteString("type", "param");
            json.WriteString("name", name);
            json.WritePropertyName("value");
            WriteParamValue(json, normalized);
            json.WriteBoolean("default", true);
        });
    }

    /// <summary>Logs one value of a metric at an optional step. NaN and infinities are legal values.</summary>
    public void LogMetric(string name, double value, long? step = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_events is null) { WarnUntracked(); return; }
        _events.Metric(name, value, step, DateTimeOffset.UtcNow);
    }

    /// <summary>Logs several metrics at the same step.</summary>
    public void LogMetrics(IReadOnlyDictionary<string, double> metrics, long? step = null)
    {
        foreach (var (name, value) in metrics)
            LogMetric(name, value, step);
    }

    /// <summary>Records a param (bool, integer, floating point or string).</summary>
    public void LogParam(string name, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var normalized = NormalizeParam(name, value);
        _params[name] = normalized;
        if (_events is null) { WarnUntracked(); return; }
        _events.Event(json =>
        {
            json.WriteString("type", "param");
            json.WriteString("name", name);
            json.WritePropertyName("value");
            WriteParamValue(json, normalized);
        });
    }

    /// <summary>Records params from a dictionary, or from an object's public properties (an options class, an anonymous object).</summary>
    public void LogParams(object parameters)
    {
        foreach (var (name, value) in EnumerateParams(parameters))
            LogParam(name, value);
    }

    /// <summary>The name/value pairs of a dictionary, or an object's public readable properties (null values left out).</summary>
    private static IEnumerable<KeyValuePair<string, object>> EnumerateParams(object parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters is System.Collections.IDictionary dictionary)
        {
            foreach (System.Collections.DictionaryEntry entry in dictionary)
                if (entry.Value is not null)
                    yield return new(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!, entry.Value);
            yield break;
        }
        if (parameters is IEnumerable<KeyValuePair<string, object>> pairs)
        {
            foreach (var pair in pairs)
                yield return pair;
            yield break;
        }
        foreach (var property in parameters.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0 && property.GetValue(parameters) is { } value)
                yield return new(property.Name, value);
    }

    /// <summary>Sets a tag on the run.</summary>
    public void SetTag(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_events is null) { WarnUntracked(); return; }
        _events.Event(json =>
        {
            json.WriteString("type", "tag");
            json.WriteString("name", name);
            json.WriteString("value", value);
        });
    }

    /// <summary>Stores a file or folder as an artifact of the run when it ends.</summary>
    public void LogArtifact(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"gittrack: artifact not found: {path}", path);
        if (_events is null) { WarnUntracked(); return; }
        var full = Path.GetFullPath(path);
        _events.Event(json =>
        {
            json.WriteString("type", "artifact");
            json.WriteString("path", full);
        });
    }

    /// <summary>
    /// Records a file or folder the run reads (a dataset, a model to fine-tune): gittrack hashes it when it reads the
    /// event and keeps its content key with the run (docs/protocol.md, "input"); with <paramref name="store"/> it also
    /// stores the content in the artifact cache. Runs whose artifacts have that key are linked (<c>gittrack lineage</c>).
    /// </summary>
    public void LogInput(string path, bool store = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"gittrack: input not found: {path}", path);
        if (_events is null) { WarnUntracked(); return; }
        var full = Path.GetFullPath(path);
        _events.Event(json =>
        {
            json.WriteString("type", "input");
            json.WriteString("path", full);
            if (store)
                json.WriteBoolean("store", true);
        });
    }

    /// <summary>Writes buffered events now (done by itself every second and at exit).</summary>
    public void Flush() => _events?.Flush();

    /// <summary>Ends a run this process <see cref="Start"/>ed as completed; for any other run, writes buffered events.</summary>
    public void Dispose()
    {
        if (_session is not null)
            End(RunStatus.Completed);
        else
            _events?.Flush();
    }

    private static object NormalizeParam(string name, object value) => value switch
    {
        bool or string or long or double => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        Enum e => e.ToString(),
        _ => throw new ArgumentException($"param '{name}' must be a bool, integer, floating point number or string, got {value.GetType().Name}", nameof(value)),
    };

    // A float keeps its '.' (1.0, not 1, which the recorder would take for an integer); NaN and the infinities are
    // written bare, as the protocol reads them as floats (a "nan" string would be the string nan).
    private static void WriteParamValue(Utf8JsonWriter json, object value) =>
        GitTrack.Core.Runs.Capture.ParamValue.WriteJson(json, value);

    private void WarnUntracked()
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            var program = Path.GetFileName(Environment.GetCommandLineArgs().FirstOrDefault() ?? "your_program.dll");
            Console.Error.WriteLine($"gittrack: this program is not being tracked, so nothing is recorded (run it as: gittrack run -- dotnet {program})");
        }
    }

    /// <summary>A run writing to <paramref name="eventsPath"/> with nothing else attached (benchmarks time the logging path with it).</summary>
    internal static Run ForEventsFile(string eventsPath) => new("events-file", new EventsWriter(eventsPath), new(StringComparer.Ordinal));

    private static Run AttachToEnvironment()
    {
        var eventsPath = Environment.GetEnvironmentVariable("GITTRACK_EVENTS");
        var parameters = ReadParams(Environment.GetEnvironmentVariable("GITTRACK_PARAMS"));
        if (string.IsNullOrEmpty(eventsPath))
            return new Run(null, null, parameters);
        var writer = new EventsWriter(eventsPath);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => writer.Dispose();
        var run = new Run(Environment.GetEnvironmentVariable("GITTRACK_RUN_ID"), writer, parameters);
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            // The recorder sees the non-zero exit code; this event carries the reason into the run.
            writer.Event(json =>
            {
                json.WriteString("type", "error");
                json.WriteString("message", (e.ExceptionObject as Exception)?.Message ?? e.ExceptionObject?.ToString() ?? "unhandled exception");
            });
            writer.Dispose();
        };
        return run;
    }

    private static Dictionary<string, object> ReadParams(string? path) =>
        string.IsNullOrEmpty(path) ? new(StringComparer.Ordinal) : GitTrack.Core.Runs.Capture.ParamsFileReader.Read(path);
}
