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

    public static LoadBalancedOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        StrategyCatalog.RejectUnknown(LoadBalancedStrategy.StrategyName, options, "load", "window");
        var result = new LoadBalancedOptions();
        if (options.TryGetValue("load", out var load))
        {
            if (load is not ("open" or "assigned"))
            {
                throw new StrategyOptionException("load", $"load '{load}' is not one of open, assigned");
            }

            result = result with { Load = load };
        }

        if (options.TryGetValue("window", out var window))
        {
            if (result.Load != "assigned")
            {
                throw new StrategyOptionException("window", "window applies to load: assigned (leads assigned within the window)");
            }

            if (!Durations.TryParse(window, out var span))
            {
                throw new StrategyOptionException("window", $"'{window}' is not {Durations.Expected}");
            }

            result = result with { Window = span };
        }

        return result;
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
