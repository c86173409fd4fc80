namespace Switchboard.Routing;

public enum DecisionKind
{
    /// <summary>Pushed to one rep.</summary>
    Assigned,

    /// <summary>Placed in a pool for reps to claim.</summary>
    Pooled,

    /// <summary>Kept back: nobody may take it now. Always carries the reason.</summary>
    Held,

    /// <summary>Offered to one or more reps (<c>OfferedRepIds</c>) until <c>OfferWindow</c> passes: the first to accept owns it.</summary>
    Offered,
}

/// <summary>How one rule fared for this lead.</summary>
public sealed record RuleTrace(string Rule, bool Matched, string Note);

/// <summary>One rep the deciding rule considered: eligible or not, and why not.</summary>
public sealed record CandidateTrace(string RepId, bool Eligible, IReadOnlyList<string> Reasons);

/// <summary>
/// A routing decision as a value: what happened, and the whole trace of why. Expected outcomes (nobody
/// eligible, no rule matched) are decisions, not exceptions.
/// </summary>
public sealed record RoutingDecision
{
    public required DecisionKind Kind { get; init; }
    public required int FlowVersion { get; init; }

    /// <summary>The rule that decided, or <c>fallback</c>.</summary>
    public required string Rule { get; init; }
    public string? Strategy { get; init; }
    public string? RepId { get; init; }
    public string? PoolId { get; init; }
    public string? HeldReason { get; init; }

    /// <summary>For an offer: who may accept, and for how long.</summary>
    public IReadOnlyList<string>? OfferedRepIds { get; init; }
    public TimeSpan? OfferWindow { get; init; }

    /// <summary>The deciding rule's SLA, which the host starts when the lead is assigned (or the offer accepted).</summary>
    public Flows.SlaPolicy? Sla { get; init; }

    /// <summary>The team the deciding rule targeted; the host counts the assignment against its caps.</summary>
    public string? TeamId { get; init; }

    /// <summary>Set when a matching rule found nobody eligible (whatever its policy did next): raise an alert.</summary>
    public string? Alert { get; init; }
    public required IReadOnlyList<RuleTrace> Rules { get; init; }
    public required IReadOnlyList<CandidateTrace> Candidates { get; init; }
    public required string Explanation { get; init; }

    /// <summary>
    /// The deciding rule's strategy state before and after (immutable values). Their text is made when
    /// a trace is shown or stored, not for every decision: a replay of a million leads never needs it.
    /// </summary>
    public Strategies.StrategyState? Before { get; init; }
    public Strategies.StrategyState? After { get; init; }
    public string? StateBefore => Before?.ToString();
    public string? StateAfter => After?.ToString();

    /// <summary>Who picked the rep by hand, when a person did rather than the flow.</summary>
    public string? ChosenBy { get; init; }

    /// <summary>
    /// A person gives the lead to <paramref name="repId"/>: the same trace as the flow's own decision
    /// (<paramref name="weighed"/>: its rules, candidates and reasons), with the pick and who made it. The
    /// strategy's turn is not taken, so the rotation's state is left as it was.
    /// </summary>
    public static RoutingDecision HandPicked(RoutingDecision weighed, string repId, string chosenBy)
    {
        var candidate = weighed.Candidates.FirstOrDefault(c => c.RepId == repId);
        var standing = candidate switch
        {
            null => $"{repId} was not among the candidates of rule '{weighed.Rule}'",
            { Eligible: true } => $"{repId} was an eligible candidate of rule '{weighed.Rule}'",
            _ => $"{repId} was a candidate of rule '{weighed.Rule}' the flow would have left out ({string.Join("; ", candidate.Reasons)})",
        };
        var flowWould = weighed.Kind switch
        {
            DecisionKind.Assigned => $"the flow would have given it to {weighed.RepId}",
            DecisionKind.Offered => $"the flow would have offered it to {string.Join(", ", weighed.OfferedRepIds ?? [])}",
            DecisionKind.Pooled => $"the flow would have placed it in pool '{weighed.PoolId}'",
            _ => $"the flow would have held it ({weighed.HeldReason})",
        };
        return weighed with
        {
            Kind = DecisionKind.Assigned,
            Strategy = "hand-picked",
            RepId = repId,
            PoolId = null,
            HeldReason = null,
            OfferedRepIds = null,
            OfferWindow = null,
            Alert = null,
            Explanation = $"picked by {chosenBy}: {standing}; {flowWould}",
            Before = null,
            After = null,
            ChosenBy = chosenBy,
        };
    }
}
