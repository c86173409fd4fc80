using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing;

/// <summary>The decision plus the strategy state to store with it (null when nothing changed).</summary>
public sealed record RoutingOutcome(RoutingDecision Decision, string? StateKey, StrategyState? NewState);

/// <summary>
/// Routes one lead through a compiled flow. Pure: the reps' state, strategy state and <c>now</c> come in,
/// a decision and the new strategy state go out. The host stores both in one transaction.
/// </summary>
public static class Router
{
    public static RoutingOutcome Route(
        Lead lead,
        CompiledFlow flow,
        IReadOnlyCollection<RepState> reps,
        IReadOnlyDictionary<string, StrategyState> states,
        DateTimeOffset now)
    {
        var byId = new Dictionary<string, RepState>(reps.Count, StringComparer.Ordinal);
        foreach (var r in reps)
        {
            byId[r.Id] = r;
        }

        var trace = new List<RuleTrace>();
        string? passedOn = null;

        foreach (var rule in flow.Rules)
        {
            if (rule.When is { } when && !when.Evaluate(lead))
            {
                trace.Add(new RuleTrace(rule.Name, false, $"condition not met: {when.Source}"));
                continue;
            }

            var matchedNote = rule.When is null ? "matches every lead" : $"condition met: {rule.When.Source}";

            if (rule.Target.Kind == TargetKind.Pool)
            {
                trace.Add(new RuleTrace(rule.Name, true, matchedNote));
                return Pooled(flow, rule.Name, rule.Target.PoolId!, trace, $"rule '{rule.Name}' sends the lead to pool '{rule.Target.PoolId}'");
            }

            var (candidates, candidateTrace, eligible) = Candidates(rule.Target, byId, now);
            if (eligible.Count > 0)
            {
                trace.Add(new RuleTrace(rule.Name, true, matchedNote));
                var before = states.TryGetValue(rule.StateKey, out var s) ? s : StrategyState.Empty;
                var pick = rule.Strategy!.Pick(new StrategyInput(lead, candidates, eligible, before, now));
                var decision = new RoutingDecision
                {
                    Kind = DecisionKind.Assigned,
                    FlowVersion = flow.Version,
                    Rule = rule.Name,
                    Strategy = rule.Strategy.Name,
                    RepId = pick.Rep.Id,
                    Rules = trace,
                    Candidates = candidateTrace,
                    Explanation = $"rule '{rule.Name}' matched ({matchedNote}); {eligible.Count} of {candidates.Count} candidates in {rule.Target} eligible; {pick.Explanation}",
                    StateBefore = before.ToString(),
                    StateAfter = pick.NewState.ToString(),
                };
                return new RoutingOutcome(decision, rule.StateKey, pick.NewState);
            }

            var nobody = NobodyEligible(rule.Target, candidateTrace);
            switch (rule.WhenNoneEligible)
            {
                case NoneEligiblePolicy.NextRule:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; trying the next rule"));
                    passedOn ??= $"rule '{rule.Name}': {nobody}";
                    continue;
                case NoneEligiblePolicy.Fallback:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; going to the fallback"));
                    return Fallback(flow, byId, trace, now, $"rule '{rule.Name}': {nobody}");
                default:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; holding"));
                    return Held(flow, rule.Name, rule.Strategy!.Name, trace, candidateTrace, $"rule '{rule.Name}' matched but {nobody}");
            }
        }

        return Fallback(flow, byId, trace, now, passedOn);
    }

    private static RoutingOutcome Fallback(
        CompiledFlow flow, Dictionary<string, RepState> byId, List<RuleTrace> trace, DateTimeOffset now, string? why)
    {
        var reason = why ?? (flow.Rules.Count == 0 ? "the flow has no rules" : "no rule matched");
        var target = flow.Fallback;
        if (target.Kind == TargetKind.Pool)
        {
            return Pooled(flow, "fallback", target.PoolId!, trace, $"{reason}; fallback sends the lead to pool '{target.PoolId}'");
        }

        var (_, candidateTrace, eligible) = Candidates(target, byId, now);
        if (eligible.Count == 0)
        {
            return Held(flow, "fallback", null, trace, candidateTrace, $"{reason}; fallback {target}: {NobodyEligible(target, candidateTrace)}");
        }

        var rep = eligible[0];
        var decision = new RoutingDecision
        {
            Kind = DecisionKind.Assigned,
            FlowVersion = flow.Version,
            Rule = "fallback",
            RepId = rep.Id,
            Rules = trace,
            Candidates = candidateTrace,
            Explanation = $"{reason}; fallback assigns the lead to {rep.Id}",
        };
        return new RoutingOutcome(decision, null, null);
    }

    private static (List<RepState> Candidates, List<CandidateTrace> Trace, List<RepState> Eligible) Candidates(
        Target target, Dictionary<string, RepState> byId, DateTimeOffset now)
    {
        var candidates = new List<RepState>();
        var trace = new List<CandidateTrace>();
        if (target.Kind == TargetKind.Team)
        {
            // Team members in id order: a stable rotation order that does not depend on creation order.
            foreach (var rep in byId.Values.Where(r => r.Rep.TeamIds.Contains(target.TeamId!)).OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                candidates.Add(rep);
            }
        }
        else
        {
            foreach (var id in target.RepIds!)
            {
                if (byId.TryGetValue(id, out var rep))
                {
                    candidates.Add(rep);
                }
                else
                {
                    trace.Add(new CandidateTrace(id, false, ["unknown rep"]));
                }
            }
        }

        var eligible = new List<RepState>(candidates.Count);
        foreach (var rep in candidates)
        {
            var reasons = Eligibility.Exclusions(rep, now);
            trace.Add(new CandidateTrace(rep.Id, reasons.Count == 0, reasons));
            if (reasons.Count == 0)
            {
                eligible.Add(rep);
            }
        }

        return (candidates, trace, eligible);
    }

    private static string NobodyEligible(Target target, List<CandidateTrace> trace)
    {
        if (trace.Count == 0)
        {
            return $"{target} has no reps";
        }

        var details = string.Join("; ", trace.Select(c => $"{c.RepId}: {string.Join(", ", c.Reasons)}"));
        return $"no eligible rep among {trace.Count} in {target} ({details})";
    }

    private static RoutingOutcome Pooled(CompiledFlow flow, string rule, string poolId, List<RuleTrace> trace, string explanation) =>
        new(new RoutingDecision
        {
            Kind = DecisionKind.Pooled,
            FlowVersion = flow.Version,
            Rule = rule,
            PoolId = poolId,
            Rules = trace,
            Candidates = [],
            Explanation = explanation,
        }, null, null);

    private static RoutingOutcome Held(CompiledFlow flow, string rule, string? strategy, List<RuleTrace> trace, List<CandidateTrace> candidates, string reason) =>
        new(new RoutingDecision
        {
            Kind = DecisionKind.Held,
            FlowVersion = flow.Version,
            Rule = rule,
            Strategy = strategy,
            HeldReason = reason,
            Rules = trace,
            Candidates = candidates,
            Explanation = $"held: {reason}",
        }, null, null);
}
