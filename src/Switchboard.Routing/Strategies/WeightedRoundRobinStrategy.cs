using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="WeightedRoundRobinStrategy"/>: none yet; weights come from each rep's <c>weight</c>.</summary>
public sealed record WeightedRoundRobinOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static WeightedRoundRobinOptions Read(OptionReader options) => new();
}

/// <summary>
/// Smooth weighted rotation by each rep's <c>weight</c>: shares are interleaved (a:b = 2:1 gives
/// a b a, not a a b), and every prefix stays within ±1 of each rep's ideal share. Ineligible reps
/// neither earn nor pay, so they keep their balance.
/// </summary>
public sealed class WeightedRoundRobinStrategy(WeightedRoundRobinOptions options) : IRoutingStrategy
{
    public const string StrategyName = "weighted-round-robin";

    public WeightedRoundRobinOptions Options { get; } = options;

    public string Name => StrategyName;

    public IReadOnlyList<double> SharesOf(IReadOnlyList<RepState> group) => [.. group.Select(r => (double)Math.Max(1, r.Rep.Weight))];

    public StrategyPick Pick(StrategyInput input)
    {
        var (best, credits, winnerCredit, total) = Rotation.SmoothWeighted(input.Candidates, input.Eligible, input.State.Credits, r => r.Rep.Weight);
        var why = $"weighted-round-robin: each eligible rep earned its weight; {best.Id} (weight {best.Rep.Weight}) had the most credit ({winnerCredit}) and paid back the total weight {total}";
        return new StrategyPick(best, input.State with { Pointer = best.Id, Credits = credits }, why);
    }
}
