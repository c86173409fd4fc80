using System.Text.Json;
using Switchboard.Leads;
using Switchboard.Routing.Flows;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Switchboard.Distribution;

/// <summary>Reads documents written in YAML or JSON (flows, intake rules) into their document classes.</summary>
public static class FlowDocuments
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>
    /// <c>yaml</c> for application/yaml, text/yaml, application/x-yaml; <c>json</c> for JSON;
    /// otherwise guessed from the first character.
    /// </summary>
    public static string FormatOf(string? contentType, string text)
    {
        var type = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (type.Contains("yaml", StringComparison.Ordinal))
        {
            return "yaml";
        }

        if (type.Contains("json", StringComparison.Ordinal))
        {
            return "json";
        }

        return text.TrimStart().StartsWith('{') ? "json" : "yaml";
    }

    public static (FlowDocument? Document, FlowError? Error) Parse(string text, string format) => Parse<FlowDocument>(text, format);

    public static (T? Document, FlowError? Error) Parse<T>(string text, string format)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, new FlowError("document", "the document is empty"));
        }

        if (format == "json")
        {
            try
            {
                var doc = JsonSerializer.Deserialize<T>(text, Json.Options);
                return doc is null ? (null, new FlowError("document", "the document is empty")) : (doc, null);
            }
            catch (JsonException e)
            {
                return (null, new FlowError(Json.FieldName(e.Path), $"line {e.LineNumber + 1}: {FirstSentence(e.Message)}"));
            }
        }

        try
        {
            var doc = Yaml.Deserialize<T?>(text);
            return doc is null ? (null, new FlowError("document", "the document is empty")) : (doc, null);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException i ? i.Message : e.Message;
            var message = inner.Contains("not found on type", StringComparison.Ordinal)
                ? $"unknown key '{ExtractKey(inner)}'"
                : FirstSentence(inner);
            return (null, new FlowError("document", $"line {e.Start.Line}, column {e.Start.Column}: {message}", Position: (int)e.Start.Index + 1));
        }
    }

    private static string ExtractKey(string message)
    {
        // YamlDotNet: "Property 'foo' not found on type 'Switchboard...'."
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
