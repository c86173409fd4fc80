using Switchboard.Leads;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>
/// Chooses ONE rep among the eligible candidates of a rule. Who MAY take a lead is decided before
/// (eligibility, plus the strategy's own filter); a strategy only decides which one, and says why.
/// Only <see cref="Name"/> and <see cref="Pick"/> are required; the rest have defaults that fit
/// strategies without a filter, history or memory of their own.
/// </summary>
public interface IRoutingStrategy
{
    string Name { get; }

    /// <summary>Picks a rep. <paramref name="input"/>.Eligible is never empty.</summary>
    StrategyPick Pick(StrategyInput input);

    /// <summary>
    /// For one lead: who this strategy would never give it to (wrong territory, missing skill, other tier),
    /// as a reason for the trace, or null when the rep qualifies. Null when the strategy does not filter.
    /// A filtered-out rep counts as ineligible, so the rule's none-eligible policy applies.
    /// </summary>
    Func<RepState, string?>? FilterFor(Lead lead, DateTimeOffset now) => null;

    /// <summary>
    /// Each rep's weight in the target share the fairness ledger measures against, in the order of
    /// <paramref name="group"/>; null means equal shares.
    /// </summary>
    IReadOnlyList<double>? SharesOf(IReadOnlyList<RepState> group) => null;

    /// <summary>The trailing window of outcomes this strategy reads from <see cref="RepLoad.History"/>, if any.</summary>
    TimeSpan? HistoryWindow => null;

    /// <summary>Whether the strategy looks at <see cref="Lead.Account"/> (the host then looks the account up).</summary>
    bool NeedsAccount => false;

    /// <summary>When nobody qualifies and the rule says nothing: hold, unless the strategy is a "try this first" kind.</summary>
    bool FallsThroughByDefault => false;

    /// <summary>For strategies that offer a lead to several reps at once (first to accept wins): whom; null for one pick.</summary>
    IReadOnlyList<RepState>? OfferGroup(StrategyInput input) => null;
}

/// <param name="Candidates">Every rep the rule targets, in rotation order (eligible or not).</param>
/// <param name="Eligible">The candidates that may take the lead (and pass the strategy's filter), in the same order.</param>
public sealed record StrategyInput(
    Lead Lead,
    IReadOnlyList<RepState> Candidates,
    IReadOnlyList<RepState> Eligible,
    StrategyState State,
    DateTimeOffset Now);

public sealed record StrategyPick(RepState Rep, StrategyState NewState, string Explanation);

/// <summary>
/// What a rule remembers between leads, stored by the host with the assignment in one transaction:
/// a rotation pointer (last rep served) and per-rep credits (smooth weighted rotation), which belong to
/// the strategy; and the fairness ledger, which belongs to the rule: each rep's running balance against
/// their target share, who was absent at the last decision, and catch-up turns still owed.
/// </summary>
public sealed record StrategyState(string? Pointer, IReadOnlyDictionary<string, long> Credits)
{
    public static readonly StrategyState Empty = new(null, new Dictionary<string, long>());

    /// <summary>Leads received minus target share, per rep: negative means owed, positive means ahead.</summary>
    public IReadOnlyDictionary<string, double> Balances { get; init; } = new Dictionary<string, double>();

    /// <summary>Reps who were away when the rule last assigned; a rep in here who is back has returned.</summary>
    public IReadOnlyList<string> Absent { get; init; } = [];

    /// <summary>Catch-up turns a returning rep still has coming (fairness <c>catch-up</c>).</summary>
    public IReadOnlyDictionary<string, int> ExtraTurns { get; init; } = new Dictionary<string, int>();

    /// <summary>Turns a returning rep lets the others take first (fairness <c>reset</c>: back of the rotation).</summary>
    public IReadOnlyDictionary<string, int> Waiting { get; init; } = new Dictionary<string, int>();

    public override string ToString()
    {
        var parts = new List<string>();
        if (Pointer is not null)
        {
            parts.Add($"pointer={Pointer}");
        }

        if (Credits.Count > 0)
        {
            parts.Add("credits={" + string.Join(", ", Credits.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")) + "}");
        }

        if (Balances.Count is > 0 and <= 12)
        {
            parts.Add("balances={" + string.Join(", ", Balances.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value:+0.00;-0.00;0.00}")) + "}");
        }
        else if (Balances.Count > 12)
        {
            // Large teams: the extremes say whether the split is fair; GET /api/routing/state has every rep.
            var low = Balances.MinBy(b => b.Value);
            var high = Balances.MaxBy(b => b.Value);
            parts.Add($"balances of {Balances.Count} reps from {low.Value:+0.00;-0.00;0.00} ({low.Key}) to {high.Value:+0.00;-0.00;0.00} ({high.Key})");
        }

        if (Absent.Count > 0)
        {
            parts.Add("absent=[" + string.Join(", ", Absent) + "]");
        }

        if (ExtraTurns.Count > 0)
        {
            parts.Add("extraTurns={" + string.Join(", ", ExtraTurns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")) + "}");
        }

        if (Waiting.Count > 0)
        {
            parts.Add("waiting={" + string.Join(", ", Waiting.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")) + "}");
        }

        return parts.Count == 0 ? "(empty)" : string.Join("; ", parts);
    }
}
