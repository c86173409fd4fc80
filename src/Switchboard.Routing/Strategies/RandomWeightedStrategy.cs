using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="RandomWeightedStrategy"/>: none; the split comes from each rep's <c>weight</c>.</summary>
public sealed record RandomWeightedOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static RandomWeightedOptions Read(OptionReader options) => new();
}

/// <summary>
/// Simple percentage splits: each eligible rep wins with probability weight / total weight. The draw
/// is a hash of the lead id, not a random generator, so replaying a lead gives the same rep and the
/// decision can be explained; over many leads the shares converge without any stored state.
/// </summary>
public sealed class RandomWeightedStrategy(RandomWeightedOptions options) : IRoutingStrategy
{
    public const string StrategyName = "random-weighted";

    public RandomWeightedOptions Options { get; } = options;

    public string Name => StrategyName;

    public IReadOnlyList<double> SharesOf(IReadOnlyList<RepState> group) => [.. group.Select(r => (double)Math.Max(1, r.Rep.Weight))];

    public StrategyPick Pick(StrategyInput input)
    {
        long total = input.Eligible.Sum(r => (long)Math.Max(1, r.Rep.Weight));
        var draw = (long)(StableHash.Of(input.Lead.Id, StrategyName) % (ulong)total);
        var point = draw;
        RepState chosen = input.Eligible[^1];
        foreach (var rep in input.Eligible)
        {
            var weight = Math.Max(1, rep.Rep.Weight);
            if (point < weight)
            {
                chosen = rep;
                break;
            }

            point -= weight;
        }

        var why = $"random-weighted: draw {draw} of total weight {total} (from the lead id) falls on {chosen.Id} (weight {chosen.Rep.Weight}, {100.0 * Math.Max(1, chosen.Rep.Weight) / total:0.#}% share)";
        return new StrategyPick(chosen, input.State, why);
    }
}
