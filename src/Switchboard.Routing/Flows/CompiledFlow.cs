using Switchboard.Leads.Conditions;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Flows;

public enum NoneEligiblePolicy
{
    Hold,
    NextRule,
    Fallback,

    /// <summary>To the rule's <see cref="CompiledRule.Otherwise"/> target: a pool or a default owner.</summary>
    Otherwise,
}

public enum FairnessMode
{
    KeepPlace,
    CatchUp,
    Reset,
}

/// <summary>How a rule treats a rep who returns from being away.</summary>
public sealed record Fairness(FairnessMode Mode, int CatchUpMax = 0)
{
    public static readonly Fairness KeepPlace = new(FairnessMode.KeepPlace);

    public override string ToString() => Mode switch
    {
        FairnessMode.CatchUp => $"catch-up (at most {CatchUpMax} extra turns)",
        FairnessMode.Reset => "reset",
        _ => "keep-place",
    };
}

public enum TargetKind
{
    Team,
    Reps,
    Pool,
}

/// <summary>Who a rule or fallback sends leads to.</summary>
public sealed record Target(TargetKind Kind, string? TeamId = null, IReadOnlyList<string>? RepIds = null, string? PoolId = null)
{
    public static Target Team(string id) => new(TargetKind.Team, TeamId: id);
    public static Target Reps(params string[] ids) => new(TargetKind.Reps, RepIds: ids);
    public static Target Pool(string id) => new(TargetKind.Pool, PoolId: id);

    public override string ToString() => Kind switch
    {
        TargetKind.Team => $"team '{TeamId}'",
        TargetKind.Pool => $"pool '{PoolId}'",
        _ => $"reps [{string.Join(", ", RepIds!)}]",
    };
}

public sealed record CompiledRule(
    string Name,
    Condition? When,
    Target Target,
    IRoutingStrategy? Strategy,
    NoneEligiblePolicy WhenNoneEligible,
    Fairness Fairness,
    TimeSpan? HoldFor = null,
    Target? Otherwise = null,
    TimeSpan? OfferWindow = null,
    SlaPolicy? Sla = null)
{
    /// <summary>The rule's identity across flow versions: its <c>id</c>, else its name.</summary>
    public string Id { get; init; } = Name;

    /// <summary>
    /// Strategy state (pointers, credits, the fairness ledger) is kept per rule id, target and strategy: it
    /// survives edits and renames (with an id), and a different rule that reuses a name, or a rule sent to
    /// other reps or by another strategy, starts fresh instead of inheriting a rotation that is not its own.
    /// </summary>
    public string StateKey => field ??= $"rule:{Id}|{Target}|{Strategy?.Name}";

    /// <summary>The trace's note when the rule's condition holds (or it has none), made once per flow version rather than per lead.</summary>
    public string MetNote => field ??= When is null ? "matches every lead" : $"condition met: {When.Source}";

    /// <summary>The trace's note when the rule's condition does not hold.</summary>
    public string NotMetNote => field ??= $"condition not met: {When?.Source}";

    /// <summary>The rule's whole trace entry when its condition does not hold, the same value for every lead.</summary>
    public RuleTrace NotMetTrace => field ??= new RuleTrace(Name, false, NotMetNote);

    /// <summary>The rule id in a state key (<see cref="StateKey"/>), for showing it.</summary>
    public static string RuleOf(string stateKey) =>
        stateKey.StartsWith("rule:", StringComparison.Ordinal) ? stateKey[5..].Split('|', 2)[0] : stateKey;
}

/// <summary>A validated flow version: conditions compiled, strategies built. Immutable and shareable.</summary>
public sealed record CompiledFlow(int Version, IReadOnlyList<CompiledRule> Rules, Target Fallback)
{
    public const string FallbackStateKey = "fallback";

    /// <summary>The <see cref="RoutingDecision.Rule"/> of a decision the fallback made.</summary>
    public const string FallbackRule = "fallback";

    /// <summary>Trailing windows of rep history the flow's strategies read; the host counts exactly these.</summary>
    public IReadOnlyList<TimeSpan> HistoryWindows { get; } = [.. Rules.Select(r => r.Strategy?.HistoryWindow).OfType<TimeSpan>().Distinct()];

    /// <summary>Whether any rule routes by account owner, so the host looks the lead's account up.</summary>
    public bool NeedsAccount { get; } = Rules.Any(r => r.Strategy?.NeedsAccount == true);
}
