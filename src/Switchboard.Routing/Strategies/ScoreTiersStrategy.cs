using System.Globalization;
using Switchboard.Leads;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>One tier: reps of this seniority take leads whose score/value is at least <c>Min</c> (null: everything below).</summary>
public sealed record ScoreTier(string Seniority, decimal? Min);

/// <summary>Options of <see cref="ScoreTiersStrategy"/>.</summary>
public sealed record ScoreTiersOptions
{
    /// <summary><c>score</c> or <c>value</c>. The default value is <c>score</c>.</summary>
    public string Field { get; init; } = "score";

    /// <summary>Highest first, e.g. <c>tiers: "senior >= 80, mid >= 50, junior"</c>; a last tier without a threshold takes the rest.</summary>
    public IReadOnlyList<ScoreTier> Tiers { get; init; } = [];

    /// <summary>A condition for immediate-need leads, which go to the top tier whatever their score.</summary>
    public Condition? Urgent { get; init; }

    public static ScoreTiersOptions Read(OptionReader options)
    {
        var field = options.OneOf("field", ["score", "value"], "score", "which number of the lead picks the tier");
        var tiers = options.Value<IReadOnlyList<ScoreTier>>(
            "tiers", "tiers, highest first", [], null, "reps' seniority by threshold, e.g. \"senior >= 80, mid >= 50, junior\" (required)", ParseTiers);
        if (!options.Has("tiers"))
        {
            options.Fail("tiers", "required, e.g. \"senior >= 80, mid >= 50, junior\" (reps' seniority, highest first)");
        }

        var urgent = options.Condition("urgent", "immediate-need leads, which go to the top tier whatever their score");
        return new ScoreTiersOptions { Field = field, Tiers = tiers, Urgent = urgent };
    }

    private static (IReadOnlyList<ScoreTier>, string?) ParseTiers(string text)
    {
        var tiers = new List<ScoreTier>();
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var ge = parts[i].IndexOf(">=", StringComparison.Ordinal);
            if (ge < 0 && i == parts.Length - 1 && parts[i].Length > 0)
            {
                tiers.Add(new ScoreTier(parts[i], null));
            }
            else if (ge > 0 &&
                     decimal.TryParse(parts[i].AsSpan(ge + 2), NumberStyles.Number, CultureInfo.InvariantCulture, out var min) &&
                     (tiers.Count == 0 || min < tiers[^1].Min))
            {
                tiers.Add(new ScoreTier(parts[i][..ge].Trim(), min));
            }
            else
            {
                return ([], $"'{parts[i]}': write tiers highest first as 'seniority >= number', e.g. \"senior >= 80, mid >= 50, junior\"");
            }
        }

        return (tiers, null);
    }
}

/// <summary>
/// Thresholds on score or value pick a tier of reps by seniority ("value >= 100000 → senior AEs", "score ≥ 80
/// → seniors, else juniors"); urgent leads go to the top tier. Reps of the lead's tier take turns.
/// </summary>
public sealed class ScoreTiersStrategy(ScoreTiersOptions options) : IRoutingStrategy
{
    public const string StrategyName = "score-tiers";

    public ScoreTiersOptions Options { get; } = options;

    public string Name => StrategyName;

    public Func<RepState, string?> FilterFor(Lead lead, DateTimeOffset now)
    {
        var (tier, why) = TierOf(lead);
        if (tier is null)
        {
            return _ => why;
        }

        // One reason per seniority met, not one per rep: a team has a few tiers and many reps.
        var reasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return rep =>
        {
            if (string.Equals(rep.Rep.Seniority, tier.Seniority, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var seniority = rep.Rep.Seniority ?? "";
            if (!reasons.TryGetValue(seniority, out var reason))
            {
                reasons[seniority] = reason = $"not in tier '{tier.Seniority}' ({why}); rep is {(rep.Rep.Seniority is null ? "without seniority" : $"'{rep.Rep.Seniority}'")}";
            }

            return reason;
        };
    }

    public StrategyPick Pick(StrategyInput input)
    {
        var (tier, why) = TierOf(input.Lead);
        var (rep, _) = Rotation.NextAfter(input.Candidates, input.Eligible, input.State.Pointer);
        return new StrategyPick(rep, input.State with { Pointer = rep.Id },
            $"score-tiers: {why} → tier '{tier!.Seniority}'; {input.Eligible.Count} eligible in the tier, {rep.Id} is next in turn");
    }

    private (ScoreTier? Tier, string Why) TierOf(Lead lead)
    {
        if (Options.Urgent is { } urgent && urgent.Evaluate(lead))
        {
            return (Options.Tiers[0], $"urgent ({urgent.Source})");
        }

        decimal? x = Options.Field == "value" ? lead.Value : lead.Score;
        var shown = x is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none";
        foreach (var tier in Options.Tiers)
        {
            if (tier.Min is null)
            {
                return (tier, $"{Options.Field} {shown} is below every threshold");
            }

            if (x >= tier.Min)
            {
                return (tier, $"{Options.Field} {shown} >= {tier.Min.Value.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        return (null, $"{Options.Field} {shown} reaches no tier and there is no tier for the rest");
    }
}
