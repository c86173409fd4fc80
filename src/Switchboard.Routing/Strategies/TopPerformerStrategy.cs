using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="TopPerformerStrategy"/>.</summary>
public sealed record TopPerformerOptions
{
    /// <summary>
    /// <c>conversion</c> (leads reaching qualified or won / leads assigned) or <c>close-rate</c>
    /// (won / (won + lost)). The default value is <c>conversion</c>.
    /// </summary>
    public string Measure { get; init; } = "conversion";

    /// <summary>Trailing window of assignments measured. The default value is 90 days.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Below this many measured leads a rep gets the group's average rate. The default value is 20.</summary>
    public int MinSample { get; init; } = 20;

    /// <summary>Leads a rep may get per month (their time zone), so top reps are not flooded. The default value is 150; 0 turns it off.</summary>
    public int MonthlyCap { get; init; } = 150;

    public static TopPerformerOptions Read(OptionReader options) => new()
    {
        Measure = options.OneOf("measure", ["conversion", "close-rate"], "conversion", "conversion: qualified or won / assigned; close-rate: won / (won + lost)"),
        Window = options.Duration("window", TimeSpan.FromDays(90), "90d", "the trailing window of assignments measured"),
        MinSample = options.Count("minSample", 20, 0, "below this many measured leads a rep gets the group's average rate"),
        MonthlyCap = options.Count("monthlyCap", 150, 0, "leads a rep may get per month (their time zone), so top reps are not flooded; 0 turns it off"),
    };
}

/// <summary>
/// Shares proportional to performance over a trailing window: a rep converting 30% gets twice the leads of
/// one converting 15%. Reps with too few measured leads get the group's average, so a new rep is neither
/// starved nor flooded; a monthly cap keeps the best from drowning. Interleaved by smooth weighted rotation.
/// </summary>
public sealed class TopPerformerStrategy(TopPerformerOptions options) : IRoutingStrategy
{
    public const string StrategyName = "top-performer";

    public TopPerformerOptions Options { get; } = options;

    public string Name => StrategyName;

    public TimeSpan? HistoryWindow => Options.Window;

    public Func<RepState, string?>? FilterFor(Lead lead, DateTimeOffset now) =>
        Options.MonthlyCap <= 0
            ? null
            : rep => rep.Load.AssignedThisMonth >= Options.MonthlyCap
                ? $"at the top-performer monthly cap ({rep.Load.AssignedThisMonth}/{Options.MonthlyCap})"
                : null;

    public IReadOnlyList<double> SharesOf(IReadOnlyList<RepState> group) => Rates(group).Rates;

    public StrategyPick Pick(StrategyInput input)
    {
        var (rates, measured) = Rates(input.Eligible);
        var weights = new long[rates.Length];
        double total = 0;
        for (var i = 0; i < rates.Length; i++)
        {
            weights[i] = Weight(rates[i]);
            total += rates[i];
        }

        var (best, credits, _, _) = Rotation.SmoothWeighted(input.Candidates, input.Eligible, input.State.Credits, weights);
        var at = 0;
        while (!ReferenceEquals(input.Eligible[at], best))
        {
            at++;
        }

        var rate = rates[at];
        var why = $"top-performer: {best.Id} {Options.Measure} {rate:P0} over {Durations.Format(Options.Window)}" +
                  (measured[at] ? "" : $" (fewer than {Options.MinSample} measured leads: the group's average)") +
                  $", a {(total > 0 ? rate / total : 0):P0} share among {input.Eligible.Count} eligible; highest credit in the weighted rotation";
        return new StrategyPick(best, input.State with { Pointer = best.Id, Credits = credits }, why);
    }

    private static long Weight(double rate) => Math.Max(1, (long)Math.Round(rate * 1000));

    /// <summary>Each rep's rate, by position in <paramref name="group"/>; reps below the minimum sample get the average of those above it (or 1 when nobody is).</summary>
    private (double[] Rates, bool[] Measured) Rates(IReadOnlyList<RepState> group)
    {
        var rates = new double[group.Count];
        var measured = new bool[group.Count];
        var (sum, count) = (0.0, 0);
        for (var i = 0; i < group.Count; i++)
        {
            var h = group[i].Load.In(Options.Window);
            var (hits, sample) = Options.Measure == "close-rate" ? (h.Won, h.Won + h.Lost) : (h.Converted, h.Assigned);
            if (sample >= Math.Max(1, Options.MinSample))
            {
                rates[i] = (double)hits / sample;
                measured[i] = true;
                sum += rates[i];
                count++;
            }
        }

        var average = count > 0 ? sum / count : 1.0;
        for (var i = 0; i < group.Count; i++)
        {
            if (!measured[i])
            {
                rates[i] = average;
            }
        }

        return (rates, measured);
    }
}
