using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="LoadBalancedStrategy"/>.</summary>
public sealed record LoadBalancedOptions
{
    /// <summary>What counts as load. The default value is <c>open</c> (open leads owned right now).</summary>
    public string Load { get; init; } = "open";

    public static LoadBalancedOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        StrategyCatalog.RejectUnknown(LoadBalancedStrategy.StrategyName, options, "load");
        if (options.TryGetValue("load", out var load) && load != "open")
        {
            throw new StrategyOptionException("load", $"load '{load}' is not supported; use 'open'");
        }

        return new LoadBalancedOptions();
    }
}

/// <summary>
/// The eligible rep with the fewest open leads. Ties go to the rep who has waited longest since their
/// last assignment (never assigned counts as longest), then to a hash of lead and rep id, so that the
/// order reps were created in never biases the split.
/// </summary>
public sealed class LoadBalancedStrategy(LoadBalancedOptions options) : IRoutingStrategy
{
    public const string StrategyName = "load-balanced";

    public LoadBalancedOptions Options { get; } = options;

    public string Name => StrategyName;

    public StrategyPick Pick(StrategyInput input)
    {
        var best = input.Eligible
            .OrderBy(r => r.Load.OpenLeads)
            .ThenBy(r => r, new LongestIdle(input.Lead.Id))
            .First();

        var tied = input.Eligible.Count(r => r.Load.OpenLeads == best.Load.OpenLeads);
        var why = $"load-balanced: {best.Id} has the fewest open leads ({best.Load.OpenLeads})" +
                  (tied > 1 ? $"; {tied} reps tied, {best.Id} waited longest since their last assignment ({LongestIdle.Describe(best)})" : "");
        return new StrategyPick(best, input.State with { Pointer = best.Id }, why);
    }
}
