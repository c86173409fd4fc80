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
public static class Router
{
    public static RoutingOutcome Route(
        Lead lead,
        CompiledFlow flow,
        IReadOnlyCollection<RepState> reps,
        IReadOnlyDictionary<string, StrategyState> states,
        DateTimeOffset now,
        IReadOnlyDictionary<string, TeamState>? teams = null,
        IReadOnlyDictionary<string, Condition>? poolConditions = null)
    {
        var byId = new Dictionary<string, RepState>(reps.Count, StringComparer.Ordinal);
        foreach (var r in reps)
        {
            byId[r.Id] = r;
        }

        var trace = new List<RuleTrace>();
        string? passedOn = null;
        string? alert = null;
        RoutingOutcome Done(RoutingOutcome o) => alert is null ? o : o with { Decision = o.Decision with { Alert = alert } };

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
                    return Done(offered with { Decision = offered.Decision with { StateBefore = before.ToString(), StateAfter = after.ToString() }, StateKey = rule.StateKey, NewState = after });
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
                    StateBefore = before.ToString(),
                    StateAfter = after.ToString(),
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

    /// <summary>
    /// Lets the strategy pick, within the rule's fairness: a returning rep under <c>catch-up</c> takes the
    /// extra turns owed first; under <c>reset</c> they wait behind the others once. Then the ledger moves:
    /// everyone present or merely away is owed their share of this lead, the winner receives one.
    /// </summary>
    private static (StrategyPick Pick, StrategyState After, string Note) PickFairly(
        CompiledRule rule, Lead lead, Field field, StrategyState before, DateTimeOffset now)
    {
        var strategy = rule.Strategy!;
        var fairness = rule.Fairness;
        var balances = Carry(before.Balances, field.Reps);
        var extra = Carry(before.ExtraTurns, field.Reps);
        var waiting = Carry(before.Waiting, field.Reps);
        var notes = new List<string>();

        foreach (var rep in field.Eligible.Where(r => before.Absent.Contains(r.Id, StringComparer.Ordinal)))
        {
            var balance = balances.GetValueOrDefault(rep.Id);
            switch (fairness.Mode)
            {
                case FairnessMode.CatchUp when Math.Floor(-balance + 1e-9) >= 1:
                    var turns = (int)Math.Min(fairness.CatchUpMax, Math.Floor(-balance + 1e-9));
                    extra[rep.Id] = turns;
                    notes.Add($"{rep.Id} is back {Owed(balance)}: {turns} extra turn(s) (fairness {fairness})");
                    break;
                case FairnessMode.Reset:
                    balances[rep.Id] = 0;
                    extra.Remove(rep.Id);
                    if (field.Eligible.Count > 1)
                    {
                        waiting[rep.Id] = field.Eligible.Count - 1;
                    }

                    notes.Add($"{rep.Id} is back: balance cleared, behind the {field.Eligible.Count - 1} others (fairness reset)");
                    break;
                default:
                    notes.Add($"{rep.Id} is back {Owed(balance)} and resumes their place (fairness {fairness})");
                    break;
            }
        }

        StrategyPick pick;
        var owed = field.Eligible.Where(r => extra.GetValueOrDefault(r.Id) > 0).OrderByDescending(r => extra[r.Id]).FirstOrDefault();
        if (owed is not null)
        {
            var left = extra[owed.Id] - 1;
            if (left > 0)
            {
                extra[owed.Id] = left;
            }
            else
            {
                extra.Remove(owed.Id);
            }

            pick = new StrategyPick(owed, before with { Pointer = owed.Id },
                fairness.Mode == FairnessMode.Reset
                    ? $"reset: {owed.Id} let the others go first and now takes their turn"
                    : $"catch-up: {owed.Id} gets an extra turn for leads missed while away ({left} more to come)");
        }
        else
        {
            List<RepState> ready = [.. field.Eligible.Where(r => waiting.GetValueOrDefault(r.Id) <= 0)];
            if (ready.Count == 0)
            {
                ready = field.Eligible;
            }

            pick = strategy.Pick(new StrategyInput(lead, field.Reps, ready, before, now));
        }

        // Reset: a returning rep waits while each of the others takes a turn, then goes next.
        foreach (var id in waiting.Keys.ToList())
        {
            if (id == pick.Rep.Id)
            {
                waiting.Remove(id);
            }
            else if (--waiting[id] <= 0)
            {
                waiting.Remove(id);
                extra[id] = 1;
            }
            else
            {
                notes.Add($"{id} waits {waiting[id]} more turn(s) at the back (fairness reset)");
            }
        }

        // The ledger: each rep present or merely away is owed their share of this lead; reps at a cap or
        // filtered out by the strategy are not (they are not meant to get it).
        var owedSet = field.Reps.Where(r => field.Owed.Contains(r.Id)).ToList();
        var shares = strategy.SharesOf(owedSet);
        var total = shares?.Sum(s => Math.Max(0, s)) ?? owedSet.Count;
        for (var i = 0; i < owedSet.Count; i++)
        {
            var share = total > 0 ? Math.Max(0, shares?[i] ?? 1) / total : 1.0 / owedSet.Count;
            balances[owedSet[i].Id] = Math.Round(balances.GetValueOrDefault(owedSet[i].Id) - share, 9);
        }

        balances[pick.Rep.Id] = Math.Round(balances.GetValueOrDefault(pick.Rep.Id) + 1, 9);

        var after = pick.NewState with
        {
            Balances = balances,
            Absent = [.. owedSet.Where(r => field.Absent.Contains(r.Id)).Select(r => r.Id)],
            ExtraTurns = extra,
            Waiting = waiting,
        };
        return (pick, after, notes.Count == 0 ? "" : "; " + string.Join("; ", notes));
    }

    private static string Owed(double balance) =>
        balance < -0.005 ? $"owed {-balance:0.##} lead(s)" : balance > 0.005 ? $"{balance:0.##} lead(s) ahead" : "even";

    private static Dictionary<string, T> Carry<T>(IReadOnlyDictionary<string, T> before, List<RepState> reps)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var rep in reps)
        {
            if (before.TryGetValue(rep.Id, out var v))
            {
                result[rep.Id] = v;
            }
        }

        return result;
    }

    private static RoutingOutcome Fallback(
        CompiledFlow flow, Dictionary<string, RepState> byId, List<RuleTrace> trace, DateTimeOffset now, string? why)
    {
        var reason = why ?? (flow.Rules.Count == 0 ? "the flow has no rules" : "no rule matched");
        return ToTarget(flow, "fallback", flow.Fallback, byId, trace, now, reason);
    }

    /// <summary>The fallback or a rule's <c>pool:</c>/<c>rep:</c> policy: a pool, or one default owner if eligible.</summary>
    private static RoutingOutcome ToTarget(
        CompiledFlow flow, string rule, Target target, Dictionary<string, RepState> byId, List<RuleTrace> trace, DateTimeOffset now, string reason)
    {
        var name = rule == "fallback" ? "fallback" : $"rule '{rule}' (none eligible)";
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

    /// <summary>The reps a target names, who of them may take this lead, and who the fairness ledger owes a share.</summary>
    private sealed record Field(List<RepState> Reps, List<CandidateTrace> Trace, List<RepState> Eligible, HashSet<string> Owed, HashSet<string> Absent);

    private static Field Candidates(
        Target target, Dictionary<string, RepState> byId, DateTimeOffset now, Func<RepState, string?>? filter, string? teamBlock)
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
        var owed = new HashSet<string>(StringComparer.Ordinal);
        var absent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rep in candidates)
        {
            var check = Eligibility.Check(rep, now);
            var mismatch = filter?.Invoke(rep);
            var reasons = check.Reasons;
            if (mismatch is not null || teamBlock is not null)
            {
                reasons = [.. reasons, .. new[] { teamBlock, mismatch }.OfType<string>()];
            }

            trace.Add(new CandidateTrace(rep.Id, reasons.Count == 0, reasons));
            if (reasons.Count == 0)
            {
                eligible.Add(rep);
            }

            if (mismatch is null && rep.Rep.Active && !check.AtCap && (reasons.Count == 0 || check.Absent))
            {
                owed.Add(rep.Id);
                if (check.Absent)
                {
                    absent.Add(rep.Id);
                }
            }
        }

        return new Field(candidates, trace, eligible, owed, absent);
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

    /// <summary>Reps who passed the lead on (declined, let an offer expire, breached its SLA, lost it to a reassignment) do not get it again.</summary>
    private static Func<RepState, string?>? ExcludingDecliners(Lead lead, Func<RepState, string?>? filter)
    {
        if (lead.ExcludedRepIds.Count == 0)
        {
            return filter;
        }

        return rep => lead.ExcludedRepIds.Contains(rep.Id, StringComparer.Ordinal)
            ? lead.ExclusionReasons?.GetValueOrDefault(rep.Id) ?? "passed this lead on before"
            : filter?.Invoke(rep);
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
