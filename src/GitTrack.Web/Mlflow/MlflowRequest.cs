using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GitTrack.Web.Mlflow;

/// <summary>
/// The fields of one MLflow API request, from the JSON body (POST) or the query string (GET), as MLflow's own server
/// reads them: snake_case names, unknown fields ignored, int64 given as a number or a string.
/// </summary>
internal sealed class MlflowRequest : IDisposable
{
    public const int MaxBodyBytes = 16 << 20;

    private readonly JsonDocument? _body;
    private readonly IQueryCollection _query;

    private MlflowRequest(JsonDocument? body, IQueryCollection query)
    {
        _body = body;
        _query = query;
    }

    public static async Task<MlflowRequest> ReadAsync(HttpContext http)
    {
        JsonDocument? body = null;
        if (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method))
        {
            // A JSON content type keeps web pages out: a browser cannot send one to another origin without asking first.
            var type = http.Request.ContentType ?? "";
            if (!type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                throw new MlflowError("BAD_REQUEST", "the request body must be JSON with Content-Type: application/json");
            if (http.Request.ContentLength > MaxBodyBytes)
                throw MlflowError.Invalid($"the request body is larger than {MaxBodyBytes} bytes");
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                    throw MlflowError.Invalid($"the request body is larger than {MaxBodyBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            try
            {
                body = buffer.Length == 0 ? null : JsonDocument.Parse(buffer.ToArray());
            }
            catch (JsonException e)
            {
                throw new MlflowError("MALFORMED_REQUEST", $"the request body is not valid JSON: {e.Message}");
            }
            if (body is not null && body.RootElement.ValueKind != JsonValueKind.Object)
            {
                body.Dispose();
                throw new MlflowError("MALFORMED_REQUEST", "the request body is not a JSON object");
            }
        }
        return new MlflowRequest(body, http.Request.Query);
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _body is not null && _body.RootElement.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public string? String(string name)
    {
        if (TryGet(name, out var value))
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw MlflowError.Invalid($"field '{name}' should be a string"),
            };
        return _query.TryGetValue(name, out var q) && q.Count > 0 ? q[0] : null;
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw MlflowError.Invalid($"Missing value for required parameter '{name}'.");

    /// <summary>An int64 field: a JSON number or a string of digits (protobuf's JSON form), or null when absent.</summary>
    public long? Long(string name)
    {
        if (TryGet(name, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
                return number;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
                return (long)d;
            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                return number;
            throw MlflowError.Invalid($"field '{name}' should be an integer");
        }
        if (_query.TryGetValue(name, out var q) && q.Count > 0 && q[0] is { Length: > 0 } text)
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
                : throw MlflowError.Invalid($"parameter '{name}' should be an integer");
        return null;
    }

    /// <summary>A list of strings: a JSON array (POST) or the repeated query parameter (GET).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (TryGet(name, out var value))
        {
            if (value.ValueKind != JsonValueKind.Array)
                throw MlflowError.Invalid($"field '{name}' should be a list");
            return [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())];
        }
        return _query.TryGetValue(name, out var q) ? [.. q.Where(s => s is not null).Select(s => s!)] : [];
    }

    /// <summary>A list of objects (metrics, params, tags of a batch); empty when absent.</summary>
    public IEnumerable<JsonElement> Objects(string name)
    {
        if (!TryGet(name, out var value))
            return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
            throw MlflowError.Invalid($"field '{name}' should be a list of objects");
        return value.EnumerateArray();
    }

    /// <summary>A metric value: a number, or protobuf's "NaN", "Infinity", "-Infinity" (and numbers written as strings).</summary>
    public static double Double(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw MlflowError.Invalid($"Missing value for required parameter '{name}'.");
        if (value.ValueKind == JsonValueKind.Number)
            return value.GetDouble();
        if (value.ValueKind == JsonValueKind.String && Core.Mlflow.MlflowValues.ParseFloat(value.GetString()) is { } parsed)
            return parsed;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity")
            return value.GetString() switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, _ => double.NegativeInfinity };
        throw MlflowError.Invalid($"field '{name}' should be a number, got {value.GetRawText()}");
    }

    public static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw MlflowError.Invalid($"field '{name}' should be a string"),
        } : null;

    public static long? Int64(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return number;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
            return (long)d;
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            return number;
        throw MlflowError.Invalid($"field '{name}' should be an integer");
    }

    public void Dispose() => _body?.Dispose();
}
