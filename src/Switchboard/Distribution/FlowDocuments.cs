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
            if (Unbounded(text) is { } refused)
            {
                return (null, refused);
            }

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
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed text this way instead of with a YamlException.
            return (null, new FlowError("document", "not valid YAML: check the quotes, brackets and indentation"));
        }
    }

    /// <summary>Nodes a document may hold once its aliases are expanded, and how deep it may nest.</summary>
    public const int MaxExpandedNodes = 100_000, MaxNesting = 32;

    /// <summary>
    /// Refuses a YAML document that aliases would expand far beyond its size (a "billion laughs": each
    /// alias repeats everything its anchor holds) or that nests deeply, read as a stream of events and
    /// counted before anything is built from it.
    /// </summary>
    private static FlowError? Unbounded(string text)
    {
        var parser = new Parser(new StringReader(text));
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal); // nodes under each anchor, expanded
        var open = new Stack<(string? Anchor, long Nodes)>();
        long expanded = 0; // every value so far, aliases counted as what they repeat
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            long nodes;
            switch (e)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (open.Count >= MaxNesting)
                    {
                        return new FlowError("document", $"line {e.Start.Line}: a document may nest at most {MaxNesting} deep", Position: (int)e.Start.Index + 1);
                    }

                    var anchor = ((YamlDotNet.Core.Events.NodeEvent)e).Anchor;
                    open.Push((anchor.IsEmpty ? null : anchor.Value, 0));
                    continue;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    var (name, inside) = open.Pop();
                    nodes = inside + 1;
                    expanded++; // the collection itself; what it holds is counted already
                    if (name is not null)
                    {
                        sizes[name] = nodes;
                    }

                    break;
                case YamlDotNet.Core.Events.Scalar scalar:
                    nodes = 1;
                    expanded++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        sizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    nodes = sizes.GetValueOrDefault(alias.Value.Value, 1);
                    expanded += nodes;
                    break;
                default:
                    continue;
            }

            if (open.Count > 0)
            {
                var (a, n) = open.Pop();
                open.Push((a, n + nodes));
            }

            if (expanded > MaxExpandedNodes)
            {
                return new FlowError("document", $"line {e.Start.Line}: with its aliases expanded the document holds more than {MaxExpandedNodes:N0} values; write it out without repeating aliases", Position: (int)e.Start.Index + 1);
            }
        }

        return null;
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
