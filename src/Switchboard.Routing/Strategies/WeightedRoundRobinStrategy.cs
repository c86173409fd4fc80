using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="WeightedRoundRobinStrategy"/>: none yet; weights come from each rep's <c>weight</c>.</summary>
public sealed record WeightedRoundRobinOptions
{
    public static WeightedRoundRobinOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        StrategyCatalog.RejectUnknown(WeightedRoundRobinStrategy.StrategyName, options);
        return new WeightedRoundRobinOptions();
    }
}

/// <summary>
/// Smooth weighted rotation (the nginx algorithm): each turn every eligible rep earns its weight in
/// credit, the richest rep wins and pays back the total. Shares are interleaved (a:b = 2:1 gives
/// a b a, not a a b), and every prefix of the sequence stays within ±1 of each rep's ideal share.
/// Ineligible reps neither earn nor pay, so they keep their balance.
/// </summary>
public sealed class WeightedRoundRobinStrategy(WeightedRoundRobinOptions options) : IRoutingStrategy
{
    public const string StrategyName = "weighted-round-robin";

    public WeightedRoundRobinOptions Options { get; } = options;

    public string Name => StrategyName;

    public StrategyPick Pick(StrategyInput input)
    {
        // Credits of reps no longer in the rule are dropped; unknown reps start at zero.
        var credits = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in input.Candidates)
        {
            credits[c.Id] = input.State.Credits.TryGetValue(c.Id, out var v) ? v : 0;
        }

        long total = 0;
        RepState? best = null;
        foreach (var rep in input.Eligible)
        {
            var weight = Math.Max(1, rep.Rep.Weight);
            total += weight;
            credits[rep.Id] += weight;
            if (best is null || credits[rep.Id] > credits[best.Id])
            {
                best = rep;
            }
        }

        var winnerCredit = credits[best!.Id];
        credits[best.Id] -= total;
        var why = $"weighted-round-robin: each eligible rep earned its weight; {best.Id} (weight {best.Rep.Weight}) had the most credit ({winnerCredit}) and paid back the total weight {total}";
        return new StrategyPick(best, new StrategyState(best.Id, credits), why);
    }
}
