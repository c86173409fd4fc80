using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="ShotgunStrategy"/>: how many reps are offered the lead at once.</summary>
public sealed record ShotgunOptions(int Size = 3)
{
    public static ShotgunOptions Read(OptionReader options) =>
        new(options.Count("size", 3, 1, "how many reps are offered the lead at once; the first to accept gets it"));
}

/// <summary>
/// Offers the lead to a small group at once (the eligible reps idle longest); the first to accept owns it
/// and the others' offers are withdrawn. When nobody accepts within the rule's offer window, the reps who
/// let it pass are left out and the rule offers it to the next group; when nobody is left, the rule's
/// <c>whenNoneEligible</c> decides (a pool, the fallback, ...).
/// </summary>
public sealed class ShotgunStrategy(ShotgunOptions options) : IRoutingStrategy
{
    public const string StrategyName = "shotgun";

    /// <summary>The offer window when the rule gives none.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public ShotgunOptions Options { get; } = options;

    public string Name => StrategyName;

    public StrategyPick Pick(StrategyInput input)
    {
        var first = input.Eligible.Order(new LongestIdle(input.Lead.Id)).First();
        return new StrategyPick(first, input.State, $"shotgun: {first.Id} has been idle longest");
    }

    public IReadOnlyList<RepState>? OfferGroup(StrategyInput input) =>
        [.. input.Eligible.Order(new LongestIdle(input.Lead.Id)).Take(Options.Size)];
}
