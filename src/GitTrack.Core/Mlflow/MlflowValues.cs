using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GitTrack.Core.Runs;

namespace GitTrack.Core.Mlflow;

/// <summary>
/// The rules shared by <c>gittrack import mlflow</c> and <c>gittrack run --mlflow</c> (docs/mlflow.md): how MLflow's
/// string params are typed, how typed params are written back as MLflow strings, how statuses map, and the tag that
/// names a run's MLflow experiment.
/// </summary>
public static class MlflowValues
{
    /// <summary>The tag that holds the name of the MLflow experiment a run belongs to.</summary>
    public const string ExperimentTag = "mlflow.experimentName";
    /// <summary>MLflow's system tag for a nested run's parent (an MLflow run id).</summary>
    public const string ParentTag = "mlflow.parentRunId";
    /// <summary>MLflow's system tag for the run's name.</summary>
    public const string RunNameTag = "mlflow.runName";
    /// <summary>MLflow's system tag for the run's description (our note).</summary>
    public const string NoteTag = "mlflow.note.content";
    /// <summary>MLflow's system tag for the git commit the run's code came from.</summary>
    public const string GitCommitTag = "mlflow.source.git.commit";
    /// <summary>The name of MLflow's default experiment (id 0).</summary>
    public const string DefaultExperiment = "Default";

    /// <summary>
    /// The typed value of an MLflow param: an integer, float or boolean when <paramref name="text"/> is exactly what
    /// Python's <c>str()</c> prints for that value (<c>42</c>, <c>0.01</c>, <c>1e-05</c>, <c>nan</c>, <c>True</c>), so
    /// <c>str(value)</c> gives the text back; any other text (<c>1.10</c>, <c>007</c>, <c>true</c>, <c>None</c>) stays a string.
    /// </summary>
    public static object TypeParam(string text)
    {
        if (text is "True")
            return true;
        if (text is "False")
            return false;
        if (text.Length is > 0 and <= 20 && (char.IsAsciiDigit(text[0]) || text[0] == '-')
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            && integer.ToString(CultureInfo.InvariantCulture) == text)
            return integer;
        if (text.Length is > 0 and <= 32 && ParseFloat(text) is { } number && PythonRepr(number) == text)
            return number;
        return text;
    }

    /// <summary>A param as MLflow holds it: the text Python's <c>str()</c> prints for a typed value, a string unchanged.</summary>
    public static string ParamText(object value) => value switch
    {
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => PythonRepr(d),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// A float as Python's <c>repr</c>/<c>str</c> prints it: the shortest digits that read back to the same double,
    /// fixed notation for exponents from -4 to 15 (with <c>.0</c> when whole), else <c>1e-05</c>/<c>1.5e+16</c> form;
    /// <c>nan</c>, <c>inf</c>, <c>-inf</c>.
    /// </summary>
    public static string PythonRepr(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";
        // .NET's "R" is the shortest round-trip form; split it into sign, digits and a decimal exponent.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        int exponent = 0;
        var e = body.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }
        var dot = body.IndexOf('.');
        var intPart = dot >= 0 ? body[..dot] : body;
        var fracPart = dot >= 0 ? body[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        // Position of the decimal point after the first significant digit: value = 0.DIGITS x 10^point.
        int leadingZerosInFraction = intPart.TrimStart('0').Length == 0 ? fracPart.Length - fracPart.TrimStart('0').Length : 0;
        int point = (intPart.TrimStart('0').Length > 0 ? intPart.TrimStart('0').Length : -leadingZerosInFraction) + exponent;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";
        var sb = new StringBuilder(32);
        if (negative)
            sb.Append('-');
        if (point > -4 && point <= 16)
        {
            if (point <= 0)
                sb.Append("0.").Append('0', -point).Append(digits);
            else if (point >= digits.Length)
                sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            else
                sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            var exp = point - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// A metric value as MLflow's file store writes it (Python's float text: <c>0.5</c>, <c>1e-05</c>, <c>3</c>,
    /// <c>nan</c>, <c>inf</c>, <c>-inf</c>), or null when it is not a number.
    /// </summary>
    public static double? ParseFloat(ReadOnlySpan<char> text)
    {
        switch (text)
        {
            case "nan" or "NaN" or "-nan":
                return double.NaN;
            case "inf" or "Infinity" or "+inf":
                return double.PositiveInfinity;
            case "-inf" or "-Infinity":
                return double.NegativeInfinity;
        }
        foreach (var c in text)
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
                return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>MLflow's <c>RunStatus</c> (1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED) by its name.</summary>
    public static string StatusName(int status) => status switch
    {
        1 => "RUNNING",
        2 => "SCHEDULED",
        3 => "FINISHED",
        4 => "FAILED",
        5 => "KILLED",
        _ => "UNKNOWN",
    };

    /// <summary>A GitTrack status as MLflow names it (running and crashed runs are RUNNING and FAILED).</summary>
    public static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Completed => "FINISHED",
        RunStatus.Failed or RunStatus.Crashed => "FAILED",
        RunStatus.Killed => "KILLED",
        _ => "FAILED",
    };

    /// <summary>An ended MLflow status (FINISHED, FAILED, KILLED) as ours; null for RUNNING, SCHEDULED and anything else.</summary>
    public static RunStatus? EndedStatus(string name) => name switch
    {
        "FINISHED" => RunStatus.Completed,
        "FAILED" => RunStatus.Failed,
        "KILLED" => RunStatus.Killed,
        _ => null,
    };

    /// <summary>
    /// The GitTrack run id an imported MLflow run gets: the first 8 bytes of SHA-256("mlflow run " + its MLflow id),
    /// then its start time in Unix seconds, as <see cref="RunId"/> lays them out. The same MLflow run always maps to
    /// the same id, so importing it again (from this store or a copy) finds it.
    /// </summary>
    public static string ImportedRunId(string mlflowRunId, DateTimeOffset startedAt)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("mlflow run " + mlflowRunId), hash);
        Span<byte> id = stackalloc byte[12];
        hash[..8].CopyTo(id);
        BinaryPrimitives.WriteUInt32BigEndian(id[8..], (uint)Math.Clamp(startedAt.ToUnixTimeSeconds(), 0, uint.MaxValue));
        return Convert.ToHexStringLower(id);
    }

    /// <summary>
    /// A stable MLflow experiment id for an experiment name (GitTrack keeps experiments only as a tag): <c>0</c> for
    /// <c>Default</c>, else 15 decimal digits from SHA-256 of the name, like the large ids MLflow 2.x makes.
    /// </summary>
    public static string ExperimentId(string name)
    {
        if (name == DefaultExperiment)
            return "0";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("mlflow experiment " + name), hash);
        var number = BinaryPrimitives.ReadUInt64BigEndian(hash) % 900_000_000_000_000UL + 100_000_000_000_000UL;
        return number.ToString(CultureInfo.InvariantCulture);
    }
}
