namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="RoundRobinStrategy"/>: none yet.</summary>
public sealed record RoundRobinOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static RoundRobinOptions Read(OptionReader options) => new();
}

/// <summary>
/// Plain rotation: the next eligible rep after the last one served, in the rule's candidate order.
/// An ineligible rep is skipped this turn and keeps their place in the cycle.
/// </summary>
public sealed class RoundRobinStrategy(RoundRobinOptions options) : IRoutingStrategy
{
    public const string StrategyName = "round-robin";

    public RoundRobinOptions Options { get; } = options;

    public string Name => StrategyName;

    public StrategyPick Pick(StrategyInput input)
    {
        var (rep, skipped) = Rotation.NextAfter(input.Candidates, input.Eligible, input.State.Pointer);
        var why = input.State.Pointer is null
            ? $"round-robin: first turn goes to {rep.Id}"
            : $"round-robin: last served {input.State.Pointer}; next eligible in order is {rep.Id}" +
              (skipped > 0 ? $" (skipped {skipped} ineligible)" : "");
        return new StrategyPick(rep, input.State with { Pointer = rep.Id }, why);
    }
}
