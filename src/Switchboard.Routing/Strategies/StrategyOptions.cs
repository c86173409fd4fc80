using System.Globalization;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Flows;

namespace Switchboard.Routing.Strategies;

/// <summary>One option a strategy takes: its key, what it takes, its default (null: none) and what it does.</summary>
public sealed record StrategyOption(string Key, string Takes, string? Default, string Doc);

/// <summary>
/// A strategy's options as a flow gave them, read by declaring each option once — key, type, default,
/// meaning — so the keys it knows, the defaults, the errors and the documentation are the same
/// declarations. A bad value is recorded as an error value (the first one wins) and its default read
/// instead; <see cref="Error"/> also names any key nobody declared.
/// </summary>
public sealed class OptionReader(string strategy, IReadOnlyDictionary<string, string> given)
{
    private readonly List<StrategyOption> _declared = [];
    private StrategyOptionError? _error;

    /// <summary>Every option declared so far, in order: the strategy's documentation.</summary>
    public IReadOnlyList<StrategyOption> Declared => _declared;

    /// <summary>The first problem: a key the strategy does not take (named first, as a typo is the likelier mistake), else the first bad value.</summary>
    public StrategyOptionError? Error
    {
        get
        {
            var known = _declared.Select(d => d.Key).ToList();
            foreach (var key in given.Keys)
            {
                if (!known.Contains(key, StringComparer.Ordinal))
                {
                    var accepted = known.Count == 0 ? "it takes no options" : "it takes " + string.Join(", ", known);
                    return new StrategyOptionError("options." + key, $"'{strategy}' has no option '{key}'; {accepted}");
                }
            }

            return _error;
        }
    }

    public bool Has(string key) => given.ContainsKey(key);

    /// <summary>Records a problem with an option's value (or with how options combine).</summary>
    public void Fail(string key, string message) => _error ??= new StrategyOptionError("options." + key, message);

    /// <summary>An option whose text <paramref name="parse"/> turns into a value, or into the reason it cannot.</summary>
    public T Value<T>(string key, string takes, T @default, string? shownDefault, string doc, Func<string, (T Value, string? Error)> parse)
    {
        _declared.Add(new StrategyOption(key, takes, shownDefault, doc));
        if (!given.TryGetValue(key, out var text))
        {
            return @default;
        }

        var (value, error) = parse(text);
        if (error is not null)
        {
            Fail(key, error);
            return @default;
        }

        return value;
    }

    /// <summary>One of a few words; <paramref name="label"/> goes before the wrong value in the error ("load 'x' is not …").</summary>
    public string OneOf(string key, IReadOnlyList<string> values, string @default, string doc, string label = "") =>
        Value(key, "one of " + string.Join(", ", values), @default, @default, doc, text =>
            values.Contains(text, StringComparer.Ordinal) ? (text, null) : (@default, $"{label}'{text}' is not one of {string.Join(", ", values)}"));

    public TimeSpan Duration(string key, TimeSpan @default, string shownDefault, string doc) =>
        Value(key, "a duration", @default, shownDefault, doc, text =>
            Durations.TryParse(text, out var span) ? (span, null) : (@default, $"'{text}' is not {Durations.Expected}"));

    public TimeSpan? Duration(string key, string doc) =>
        Value<TimeSpan?>(key, "a duration", null, null, doc, text =>
            Durations.TryParse(text, out var span) ? (span, null) : (null, $"'{text}' is not {Durations.Expected}"));

    public int Count(string key, int @default, int min, string doc) =>
        Value(key, $"a whole number of {min} or more", @default, @default.ToString(CultureInfo.InvariantCulture), doc, text =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? (n, null)
                : (@default, $"'{text}' is not a whole number of {min} or more"));

    /// <summary>A comma-separated list.</summary>
    public IReadOnlyList<string> List(string key, string doc) =>
        Value<IReadOnlyList<string>>(key, "a comma-separated list", [], null, doc, text => (Split(text), null));

    public Condition? Condition(string key, string doc) =>
        Value<Condition?>(key, "a condition", null, null, doc, text =>
            Leads.Conditions.Condition.Compile(text) is var compiled && compiled.Error is { } e ? (null, e.ToString()) : (compiled.Condition, null));

    public static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
