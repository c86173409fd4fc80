using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Distribution;

namespace Switchboard.Api;

/// <summary>Request bodies in the service's JSON (<see cref="Json.Options"/>), with problems that name the field.</summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>
    /// Reads a JSON body, turning malformed JSON or a wrong type into a problem that names the field
    /// (e.g. <c>company.employees</c>) instead of a bare 400.
    /// </summary>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            // A JSON object as such (patches, flat form posts) is parsed as a document, which refuses a
            // property given twice instead of failing while building the object.
            var value = typeof(T) == typeof(JsonObject)
                ? await JsonNode.ParseAsync(request.Body, documentOptions: Strict, cancellationToken: request.HttpContext.RequestAborted) as T
                : await JsonSerializer.DeserializeAsync<T>(request.Body, Json.Options, request.HttpContext.RequestAborted);
            if (value is null)
            {
                return (null, Problems.Field("body", "a JSON object is required"));
            }

            var errors = new FieldErrors();
            Limits.Check(value, errors);
            return errors.Any ? (null, errors.ToProblem()) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Field(FieldOf(e), Describe(e)));
        }
    }

    /// <summary>The field a JSON error is about: its path, or for a property given twice in a document, that property.</summary>
    private static string FieldOf(JsonException e) =>
        e.Path is null && e.Message.StartsWith("Duplicate ", StringComparison.Ordinal) && e.Message.Split('\'') is [_, var name, ..]
            ? name
            : Json.FieldName(e.Path);

    /// <summary>
    /// A YAML or JSON document from a request body (flows, intake rules): the text as sent, its format,
    /// and the parsed document, or null with the parse error added to <paramref name="errors"/>.
    /// </summary>
    public static async Task<(string Text, string Format, T? Document)> ReadDocumentAsync<T>(HttpRequest request, FieldErrors errors, CancellationToken ct)
        where T : class
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var format = FlowDocuments.FormatOf(request.ContentType, text);
        var (document, error) = FlowDocuments.Parse<T>(text, format);
        if (error is not null)
        {
            errors.Add(error.Field, error.Message);
        }

        return (text, format, document);
    }

    /// <summary>
    /// A merge patch (RFC 7396, top level) of <paramref name="patch"/> onto <paramref name="current"/>:
    /// present fields replace, null clears, absent ones stay. The id cannot change.
    /// </summary>
    public static (T? Merged, ValidationProblem? Problem) MergePatch<T>(T current, JsonObject patch, string id, string what)
    {
        if (patch.ContainsKey("id") && patch["id"]?.GetValue<string>() != id)
        {
            return (default, Problems.Field("id", $"{what}'s id cannot change"));
        }

        var merged = JsonSerializer.SerializeToNode(current, Json.Options)!.AsObject();
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
            var value = JsonSerializer.Deserialize<T>(json, Json.Options);
            var errors = new FieldErrors();
            if (value is not null)
            {
                Limits.Check(value, errors);
            }

            problem = errors.Any ? errors.ToProblem() : null;
            return errors.Any ? default : value;
        }
        catch (JsonException e)
        {
            problem = Problems.Field(Json.FieldName(e.Path), Describe(e));
            return default;
        }
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        if (e is TextRules.RefusedText)
        {
            return message;
        }

        if (message.StartsWith("Duplicate ", StringComparison.Ordinal))
        {
            return "given twice; send each field once";
        }

        if (e.InnerException is InvalidOperationException && message.Contains("System.String", StringComparison.Ordinal))
        {
            return TextRules.BrokenText;
        }

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
