using System.Globalization;
using Switchboard.Leads;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing;

/// <summary>The decision plus the strategy state to store with it (null when nothing changed).</summary>
public sealed record RoutingOutcome(RoutingDecision Decision, string? StateKey, StrategyState? NewState);

/// <summary>
/// Routes one lead through a compiled flow. Pure: the reps' state, teams' counters, strategy state and
/// <c>now</c> come in, a decision and the new strategy state go out. The host stores both in one transaction.
/// </summary>
public static partial class Router
{
    public static RoutingOutcome Route(
        Lead lead,
        CompiledFlow flow,
        IReadOnlyList<RepState> reps,
        IReadOnlyDictionary<string, StrategyState> states,
        DateTimeOffset now,
        IReadOnlyDictionary<string, TeamState>? teams = null,
        IReadOnlyDictionary<string, Condition>? poolConditions = null,
        RepIndex? index = null)
    {
        // The caller's index when it was built for this list (the host's routing snapshot), else one now.
        var byId = new Reps(reps, index is not null && index.Count == reps.Count ? index : new RepIndex(reps));

        var trace = new List<RuleTrace>(flow.Rules.Count + 1);
        string? passedOn = null;
        string? alert = null;
        RoutingOutcome Done(RoutingOutcome o) => alert is null ? o : o with { Decision = o.Decision with { Alert = alert } };

        foreach (var rule in flow.Rules)
        {
            if (rule.When is { } when && !when.Evaluate(lead))
            {
                trace.Add(rule.NotMetTrace);
                continue;
            }

            var matchedNote = rule.MetNote;

            if (rule.Target.Kind == TargetKind.Pool)
            {
                // A pool takes only the leads its condition allows (e.g. a West-coast pool for West-coast reps).
                if (poolConditions is not null && poolConditions.TryGetValue(rule.Target.PoolId!, out var takes) && !takes.Evaluate(lead))
                {
                    trace.Add(new RuleTrace(rule.Name, false, $"{matchedNote}, but pool '{rule.Target.PoolId}' takes only leads where {takes.Source}"));
                    continue;
                }

                trace.Add(new RuleTrace(rule.Name, true, matchedNote));
                return Done(Pooled(flow, rule.Name, rule.Target.PoolId!, trace, $"rule '{rule.Name}' sends the lead to pool '{rule.Target.PoolId}'"));
            }

            var strategy = rule.Strategy!;
            var teamBlock = rule.Target.Kind == TargetKind.Team && teams is not null && teams.TryGetValue(rule.Target.TeamId!, out var team)
                ? Eligibility.TeamExclusion(team)
                : null;
            var field = Candidates(rule.Target, byId, now, ExcludingDecliners(lead, strategy.FilterFor(lead, now)), teamBlock);
            if (field.Eligible.Count > 0)
            {
                trace.Add(new RuleTrace(rule.Name, true, matchedNote));
                var fresh = !states.TryGetValue(rule.StateKey, out var before);
                before ??= StrategyState.Empty;
                var freshNote = fresh ? $"; rule '{rule.Name}' starts fresh (no earlier turns for {rule.Target} by {strategy.Name})" : "";
                if (strategy.OfferGroup(new StrategyInput(lead, field.Reps, field.Eligible, before, now)) is { Count: > 0 } group)
                {
                    return Done(Offered(flow, rule, group, field, trace,
                        $"rule '{rule.Name}' matched ({matchedNote}); {field.Eligible.Count} of {field.Reps.Count} candidates in {rule.Target} eligible; " +
                        $"shotgun: offered to {string.Join(", ", group.Select(r => r.Id))} at once (idle longest), the first to accept within {Durations.Format(rule.OfferWindow!.Value)} owns it{freshNote}"));
                }

                var (pick, after, fairnessNote) = PickFairly(rule, lead, field, before, now);
                if (rule.OfferWindow is { } window)
                {
                    var offered = Offered(flow, rule, [pick.Rep], field, trace,
                        $"rule '{rule.Name}' matched ({matchedNote}); {field.Eligible.Count} of {field.Reps.Count} candidates in {rule.Target} eligible; {pick.Explanation}{fairnessNote}{freshNote}; " +
                        $"offered to {pick.Rep.Id}, who has {Durations.Format(window)} to accept");
                    return Done(offered with { Decision = offered.Decision with { Before = before, After = after }, StateKey = rule.StateKey, NewState = after });
                }

                var decision = new RoutingDecision
                {
                    Kind = DecisionKind.Assigned,
                    FlowVersion = flow.Version,
                    Rule = rule.Name,
                    Strategy = strategy.Name,
                    RepId = pick.Rep.Id,
                    TeamId = rule.Target.TeamId,
                    Rules = trace,
                    Candidates = field.Trace,
                    Explanation = $"rule '{rule.Name}' matched ({matchedNote}); {field.Eligible.Count} of {field.Reps.Count} candidates in {rule.Target} eligible; {pick.Explanation}{fairnessNote}{freshNote}",
                    Before = before,
                    After = after,
                    Sla = rule.Sla,
                };
                return Done(new RoutingOutcome(decision, rule.StateKey, after));
            }

            var nobody = NobodyEligible(rule.Target, field.Trace);
            alert ??= $"rule '{rule.Name}': {nobody}";
            switch (rule.WhenNoneEligible)
            {
                case NoneEligiblePolicy.NextRule:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; trying the next rule"));
                    passedOn ??= $"rule '{rule.Name}': {nobody}";
                    continue;
                case NoneEligiblePolicy.Fallback:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; going to the fallback"));
                    return Done(Fallback(flow, byId, trace, now, $"rule '{rule.Name}': {nobody}"));
                case NoneEligiblePolicy.Otherwise:
                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; going to {rule.Otherwise}"));
                    return Done(ToTarget(flow, rule.Name, rule.Otherwise!, byId, trace, now, $"rule '{rule.Name}': {nobody}"));
                default:
                    if (rule.HoldFor is { } holdFor && lead.HeldSince is { } since && now - since >= holdFor)
                    {
                        var held = $"held since {since.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}, the rule's holdFor {Durations.Format(holdFor)} has passed";
                        trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; {held}; going to the fallback"));
                        return Done(Fallback(flow, byId, trace, now, $"rule '{rule.Name}': {nobody}; {held}"));
                    }

                    trace.Add(new RuleTrace(rule.Name, true, $"{matchedNote}; {nobody}; holding" + (rule.HoldFor is { } h ? $" (at most {Durations.Format(h)}, then the fallback)" : "")));
                    return Done(Held(flow, rule.Name, strategy.Name, trace, field.Trace, $"rule '{rule.Name}' matched but {nobody}"));
            }
        }

        return Done(Fallback(flow, byId, trace, now, passedOn));
    }

    private static RoutingOutcome Fallback(
        CompiledFlow flow, Reps byId, List<RuleTrace> trace, DateTimeOffset now, string? why)
    {
        var reason = why ?? (flow.Rules.Count == 0 ? "the flow has no rules" : "no rule matched");
        return ToTarget(flow, CompiledFlow.FallbackRule, flow.Fallback, byId, trace, now, reason);
    }

    /// <summary>The fallback or a rule's <c>pool:</c>/<c>rep:</c> policy: a pool, or one default owner if eligible.</summary>
    private static RoutingOutcome ToTarget(
        CompiledFlow flow, string rule, Target target, Reps byId, List<RuleTrace> trace, DateTimeOffset now, string reason)
    {
        var name = rule == CompiledFlow.FallbackRule ? "fallback" : $"rule '{rule}' (none eligible)";
        if (target.Kind == TargetKind.Pool)
        {
            return Pooled(flow, rule, target.PoolId!, trace, $"{reason}; {name} sends the lead to pool '{target.PoolId}'");
        }

        var field = Candidates(target, byId, now, null, null);
        if (field.Eligible.Count == 0)
        {
            return Held(flow, rule, null, trace, field.Trace, $"{reason}; {name} {target}: {NobodyEligible(target, field.Trace)}");
        }

        var rep = field.Eligible[0];
        var decision = new RoutingDecision
        {
            Kind = DecisionKind.Assigned,
            FlowVersion = flow.Version,
            Rule = rule,
            RepId = rep.Id,
            Rules = trace,
            Candidates = field.Trace,
            Explanation = $"{reason}; {name} assigns the lead to {rep.Id}",
        };
        return new RoutingOutcome(decision, null, null);
    }

    private static RoutingOutcome Offered(CompiledFlow flow, CompiledRule rule, IReadOnlyList<RepState> reps, Field field, List<RuleTrace> trace, string explanation) =>
        new(new RoutingDecision
        {
            Kind = DecisionKind.Offered,
            FlowVersion = flow.Version,
            Rule = rule.Name,
            Strategy = rule.Strategy!.Name,
            OfferedRepIds = [.. reps.Select(r => r.Id)],
            OfferWindow = rule.OfferWindow ?? ShotgunStrategy.DefaultWindow,
            Sla = rule.Sla,
            TeamId = rule.Target.TeamId,
            Rules = trace,
            Candidates = field.Trace,
            Explanation = explanation,
        }, null, null);

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

    private static RoutingOutcome Held(CompiledFlow flow, string rule, string? strategy, List<RuleTrace> trace, IReadOnlyList<CandidateTrace> candidates, string reason) =>
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
