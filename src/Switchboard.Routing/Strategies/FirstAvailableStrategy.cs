namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="FirstAvailableStrategy"/>: none.</summary>
public sealed record FirstAvailableOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static FirstAvailableOptions Read(OptionReader options) => new();
}

/// <summary>
/// The eligible rep who has been idle longest: oldest last assignment first (never assigned counts as
/// longest). Eligibility already excludes reps away, outside hours or at max open. Ties (e.g. several
/// never-assigned reps) go by a hash of lead and rep id, never creation order.
/// </summary>
public sealed class FirstAvailableStrategy(FirstAvailableOptions options) : IRoutingStrategy
{
    public const string StrategyName = "first-available";

    public FirstAvailableOptions Options { get; } = options;

    public string Name => StrategyName;

    public StrategyPick Pick(StrategyInput input)
    {
        var best = input.Eligible.Order(new LongestIdle(input.Lead.Id)).First();
        return new StrategyPick(best, input.State with { Pointer = best.Id }, $"first-available: {best.Id} has been idle longest ({LongestIdle.Describe(best)})");
    }
}
