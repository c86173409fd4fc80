using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>
/// What any text sent to the service may hold, wherever it comes from (JSON, form posts, CSV rows): no
/// control characters but tab and line breaks, no broken UTF-16 (a lone surrogate), no noncharacters
/// such as U+FFFE, and at most <see cref="MaxLength"/> characters. Refused at the edge with a reason,
/// so nothing stored can later fail a database (PostgreSQL refuses NUL) or an answer's JSON writer.
/// </summary>
public static class TextRules
{
    /// <summary>The longest text any single field may hold (a flow condition's limit); most fields allow far less.</summary>
    public const int MaxLength = 65_536;

    /// <summary>Why text that cannot even be read as a string (a lone surrogate escape in JSON) is refused.</summary>
    public const string BrokenText = "holds a broken character (a lone UTF-16 surrogate), which is not allowed in text";

    /// <summary>Why <paramref name="text"/> cannot be taken, or null when it can.</summary>
    public static string? Problem(string text)
    {
        if (text.Length > MaxLength)
        {
            return $"longer than {MaxLength:N0} characters";
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = char.ConvertToUtf32(c, text[++i]);
                if ((rune & 0xFFFE) == 0xFFFE)
                {
                    return $"holds U+{rune:X}, which is not a character";
                }
            }
            else if (char.IsSurrogate(c))
            {
                return $"holds a broken character at position {i + 1} (a lone UTF-16 surrogate)";
            }
            else if ((char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is >= '\uFDD0' and <= '\uFDEF' or '\uFFFE' or '\uFFFF')
            {
                return $"holds the character U+{(int)c:X4} at position {i + 1}, which is not allowed in text";
            }
        }

        return null;
    }

    /// <summary>The same for a JSON string value, whose text may not even be readable (a lone surrogate escape).</summary>
    public static string? Problem(JsonElement value)
    {
        try
        {
            return Problem(value.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return BrokenText;
        }
    }

    /// <summary>Every string read from JSON passes <see cref="Problem"/>; a refusal is a JSON error naming the field.</summary>
    public sealed class Converter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return text is not null && Problem(text) is { } problem ? throw new RefusedText(problem) : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Text refused by <see cref="Problem"/>: its message is the reason, for the field the serializer names.</summary>
    public sealed class RefusedText(string reason) : JsonException(reason);
}
