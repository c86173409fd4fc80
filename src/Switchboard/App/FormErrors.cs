namespace Switchboard.App;

/// <summary>
/// The shared checks' field errors as a screen shows them, each next to its input: an input for
/// <c>holidays</c> also shows what was wrong with <c>holidays[2]</c>, named by its place.
/// </summary>
public sealed class FormErrors(FieldErrors errors)
{
    public bool Any => errors.Any;

    public bool Has(string field) => Under(field).Any();

    public string? Of(string field) =>
        Under(field).OrderBy(e => e.Key != field).Select(e => e.Key == field ? string.Join("; ", e.Value) : $"{e.Key[field.Length..].TrimStart('.')}: {string.Join("; ", e.Value)}")
            .ToList() is { Count: > 0 } found ? string.Join("; ", found) : null;

    /// <summary>The errors no input on the screen shows, for a summary above the form.</summary>
    public IEnumerable<string> Outside(params string[] shown) =>
        errors.All.Where(e => !shown.Any(f => Covers(f, e.Key))).Select(e => $"{e.Key}: {string.Join("; ", e.Value)}");

    /// <summary>A comma-separated box as the list the API takes.</summary>
    public static List<string> ListOf(string? text) => [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private IEnumerable<KeyValuePair<string, List<string>>> Under(string field) => errors.All.Where(e => Covers(field, e.Key));

    private static bool Covers(string field, string key) =>
        key == field || (key.StartsWith(field, StringComparison.Ordinal) && key.Length > field.Length && key[field.Length] is '[' or '.');
}
