using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="LoadBalancedStrategy"/>.</summary>
public sealed record LoadBalancedOptions
{
    /// <summary>
    /// What counts as load: <c>open</c> (open leads owned right now) or <c>assigned</c> (leads assigned
    /// within <see cref="Window"/>). The default value is <c>open</c>.
    /// </summary>
    public string Load { get; init; } = "open";

    /// <summary>The trailing window for <c>load: assigned</c>. The default value is 24 hours.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    public static LoadBalancedOptions Read(OptionReader options)
    {
        var load = options.OneOf("load", ["open", "assigned"], "open", "what counts as load: open leads owned now, or leads assigned within the window", label: "load ");
        var window = options.Duration("window", TimeSpan.FromHours(24), "24h", "the trailing window for load: assigned");
        if (options.Has("window") && load != "assigned")
        {
            options.Fail("window", "window applies to load: assigned (leads assigned within the window)");
        }

        return new LoadBalancedOptions { Load = load, Window = window };
    }
}

/// <summary>
/// The eligible rep with the least load: open leads, or leads assigned in a trailing window. Ties go to
/// the rep who has waited longest since their last assignment (never assigned counts as longest), then
/// to a hash of lead and rep id, so that the order reps were created in never biases the split.
/// </summary>
public sealed class LoadBalancedStrategy(LoadBalancedOptions options) : IRoutingStrategy
{
    public const string StrategyName = "load-balanced";

    public LoadBalancedOptions Options { get; } = options;

    public string Name => StrategyName;

    public TimeSpan? HistoryWindow => Options.Load == "assigned" ? Options.Window : null;

    private int LoadOf(RepState rep) => Options.Load == "assigned" ? rep.Load.In(Options.Window).Assigned : rep.Load.OpenLeads;

    public StrategyPick Pick(StrategyInput input)
    {
        var best = input.Eligible
            .OrderBy(LoadOf)
            .ThenBy(r => r, new LongestIdle(input.Lead.Id))
            .First();

        var load = LoadOf(best);
        var what = Options.Load == "assigned" ? $"the fewest leads assigned in the last {Durations.Format(Options.Window)}" : "the fewest open leads";
        var tied = input.Eligible.Count(r => LoadOf(r) == load);
        var why = $"load-balanced: {best.Id} has {what} ({load})" +
                  (tied > 1 ? $"; {tied} reps tied, {best.Id} waited longest since their last assignment ({LongestIdle.Describe(best)})" : "");
        return new StrategyPick(best, input.State with { Pointer = best.Id }, why);
    }
}
