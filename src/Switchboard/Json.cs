using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>
/// The service's JSON, the same for answers, stored documents and webhook bodies; in the root namespace
/// because storage, routing and notifications write it as much as the HTTP layer does.
/// </summary>
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
        o.Converters.Add(new TextRules.Converter());

        // {"email": "a@x.com", "email": "b@y.com"} is refused, not read as whichever came last.
        o.AllowDuplicateProperties = false;
        return o;
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
}
