using System.Globalization;

namespace Switchboard.Leads.Conditions;

public enum ValueKind
{
    Null,
    Number,
    String,
    Bool,
}

/// <summary>A value inside a condition: null, number, string or boolean. Strings compare case-insensitively.</summary>
public readonly record struct ConditionValue(ValueKind Kind, double Number = 0, string? Text = null, bool Bool = false)
{
    public static readonly ConditionValue Null = new(ValueKind.Null);

    public static ConditionValue Of(string? s) => s is null ? Null : new(ValueKind.String, Text: s);
    public static ConditionValue Of(double? d) => d is null ? Null : new(ValueKind.Number, Number: d.Value);
    public static ConditionValue Of(decimal? d) => d is null ? Null : new(ValueKind.Number, Number: (double)d.Value);
    public static ConditionValue Of(int? i) => i is null ? Null : new(ValueKind.Number, Number: i.Value);
    public static ConditionValue Of(bool b) => new(ValueKind.Bool, Bool: b);

    /// <summary>Maps an attribute value (string, number, bool or null) to a condition value.</summary>
    public static ConditionValue FromObject(object? o) => o switch
    {
        null => Null,
        string s => Of(s),
        bool b => Of(b),
        double d => Of(d),
        float f => Of((double)f),
        int i => Of(i),
        long l => Of((double)l),
        decimal m => Of(m),
        _ => Of(Convert.ToString(o, CultureInfo.InvariantCulture)),
    };

    public bool IsNull => Kind == ValueKind.Null;

    public bool EqualsValue(ConditionValue other) => (Kind, other.Kind) switch
    {
        (ValueKind.Null, ValueKind.Null) => true,
        (ValueKind.Number, ValueKind.Number) => Number == other.Number,
        (ValueKind.String, ValueKind.String) => string.Equals(Text, other.Text, StringComparison.OrdinalIgnoreCase),
        (ValueKind.Bool, ValueKind.Bool) => Bool == other.Bool,
        // A number stored as text in a custom attribute still compares as a number.
        (ValueKind.Number, ValueKind.String) => TryNumber(other.Text, out var n) && n == Number,
        (ValueKind.String, ValueKind.Number) => TryNumber(Text, out var n) && n == other.Number,
        _ => false,
    };

    /// <summary>Orders two values; null when they cannot be ordered (null or mixed kinds).</summary>
    public int? CompareTo(ConditionValue other)
    {
        if (Kind == ValueKind.Number && other.Kind == ValueKind.Number)
        {
            return Number.CompareTo(other.Number);
        }

        if (Kind == ValueKind.Number && other.Kind == ValueKind.String && TryNumber(other.Text, out var b))
        {
            return Number.CompareTo(b);
        }

        if (Kind == ValueKind.String && other.Kind == ValueKind.Number && TryNumber(Text, out var a))
        {
            return a.CompareTo(other.Number);
        }

        if (Kind == ValueKind.String && other.Kind == ValueKind.String)
        {
            return string.Compare(Text, other.Text, StringComparison.OrdinalIgnoreCase);
        }

        return null;
    }

    private static bool TryNumber(string? s, out double n) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out n);

    public override string ToString() => Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        ValueKind.Bool => Bool ? "true" : "false",
        _ => $"'{Text}'",
    };
}
