using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api;

/// <summary>Collects what is wrong with a request, by field, for one problem+json answer.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public IReadOnlyDictionary<string, List<string>> All => _errors;

    /// <summary>Every document error (flows, intake rules), each under its field.</summary>
    public void AddAll(IEnumerable<Switchboard.Routing.Flows.FlowError> documentErrors)
    {
        foreach (var e in documentErrors)
        {
            Add(e.Field, e.Message);
        }
    }

    /// <summary>Every error of <paramref name="inner"/> under <paramref name="prefix"/> (e.g. <c>lead.</c>, <c>flow.</c>).</summary>
    public void AddAll(string prefix, FieldErrors inner)
    {
        foreach (var (field, messages) in inner._errors)
        {
            messages.ForEach(m => Add(prefix + field, m));
        }
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public ValidationProblem ToProblem(string title = "The request has invalid fields.") =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);

    public static ValidationProblem One(string field, string message)
    {
        var e = new FieldErrors();
        e.Add(field, message);
        return e.ToProblem();
    }
}

/// <summary>problem+json answers other than field validation.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not Found");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict");

    public static ProblemHttpResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: 422, title: "Unprocessable Content");
}

public static class Json
{
    /// <summary>The API's JSON: camelCase, nulls left out, unknown fields rejected (so nothing sent is silently dropped).</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        // Written for people as much as programs: quotes, '<', '>', '&' and non-ASCII letters as they are.
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return o;
    }

    /// <summary>
    /// Reads a JSON body, turning malformed JSON or a wrong type into a problem that names the field
    /// (e.g. <c>company.employees</c>) instead of a bare 400.
    /// </summary>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted);
            return value is null ? (null, FieldErrors.One("body", "a JSON object is required")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, FieldErrors.One(FieldName(e.Path), Describe(e)));
        }
    }

    /// <summary>
    /// A merge patch (RFC 7396, top level) of <paramref name="patch"/> onto <paramref name="current"/>:
    /// present fields replace, null clears, absent ones stay. The id cannot change.
    /// </summary>
    public static (T? Merged, ValidationProblem? Problem) MergePatch<T>(T current, JsonObject patch, string id, string what)
    {
        if (patch.ContainsKey("id") && patch["id"]?.GetValue<string>() != id)
        {
            return (default, FieldErrors.One("id", $"{what}'s id cannot change"));
        }

        var merged = JsonSerializer.SerializeToNode(current, Options)!.AsObject();
        foreach (var (key, value) in patch.ToList())
        {
            patch.Remove(key);
            merged[key] = value;
        }

        var input = Deserialize<T>(merged.ToJsonString(), out var problem);
        return (input, problem);
    }

    public static T? Deserialize<T>(string json, out ValidationProblem? problem)
    {
        try
        {
            problem = null;
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            problem = FieldErrors.One(FieldName(e.Path), Describe(e));
            return default;
        }
    }

    /// <summary><c>$.company.employees</c> → <c>company.employees</c>; the whole body → <c>body</c>.</summary>
    public static string FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "unknown field; custom data goes under 'attributes'";
        }

        const string marker = "could not be converted to ";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var target = message[(at + marker.Length)..].Split(". Path", 2)[0];
            return $"wrong type: expected {Friendly(target)}";
        }

        return e.LineNumber is { } line ? $"malformed JSON at line {line + 1}, byte {e.BytePositionInLine + 1}" : "malformed JSON";
    }

    private static string Friendly(string clrType) => clrType switch
    {
        var t when t.Contains("Int32", StringComparison.Ordinal) => "a whole number",
        var t when t.Contains("Decimal", StringComparison.Ordinal) || t.Contains("Double", StringComparison.Ordinal) => "a number",
        var t when t.Contains("String[]", StringComparison.Ordinal) || t.Contains("List", StringComparison.Ordinal) => "a list",
        var t when t.Contains("String", StringComparison.Ordinal) => "text",
        var t when t.Contains("DateTimeOffset", StringComparison.Ordinal) => "an ISO 8601 date-time such as 2026-12-01T09:00:00Z",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "an object of the documented shape",
    };
}
