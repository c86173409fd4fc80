using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Api;
using Switchboard.Routing.Conditions;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Routing;

/// <summary>
/// The host's side of routing: loads what the pure engine needs (reps with load, holidays and history,
/// teams' counters, strategy state, the lead's account), asks it for a decision, and writes the outcome.
/// Callers hold the routing transaction.
/// </summary>
public sealed class LeadRouting(FlowStore flows, ILogger<LeadRouting> log)
{
    /// <summary>Lead statuses that count as open work for a rep (load and max-open caps).</summary>
    public static readonly string[] OpenStatuses = ["offered", "assigned", "accepted", "contacted", "qualified", "meeting", "proposal"];

    /// <summary>Statuses that count as converted for top-performer's conversion rate.</summary>
    public static readonly string[] ConvertedStatuses = ["qualified", "won"];

    /// <summary>Computes a decision without writing anything (dry-run).</summary>
    public async Task<RoutingOutcome?> DecideAsync(SwitchboardDb db, LeadRow lead, int? flowVersion, DateTimeOffset now, CancellationToken ct) =>
        await flows.GetAsync(db, flowVersion, ct) is { } flow ? await DecideAsync(db, lead, flow, now, ct) : null;

    /// <summary>Computes the decision of a given (e.g. candidate, unsaved) flow, writing nothing.</summary>
    public async Task<RoutingOutcome> DecideAsync(SwitchboardDb db, LeadRow lead, CompiledFlow flow, DateTimeOffset now, CancellationToken ct)
    {
        var batch = await LoadAsync(db, flow, now, ct);
        var engineLead = await ToEngineLeadAsync(db, lead, batch.Flow, ct);
        return Router.Route(engineLead, batch.Flow, batch.Reps, batch.States, now, batch.Teams, batch.PoolConditions);
    }

    /// <summary>Routes one lead: reads what the engine needs, decides, writes (see the batch overload).</summary>
    public async Task<RoutingDecision?> RouteAsync(
        SwitchboardDb db, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct, bool retry = false, string? passedOn = null)
    {
        var batch = await BeginAsync(db, now, ct);
        var decision = await RouteAsync(db, batch, lead, actor, now, ct, retry, passedOn);
        await batch.FinishAsync(db, ct);
        return decision;
    }

    /// <summary>
    /// Reads what the engine needs once, for routing one lead or a batch of them (an import) in the
    /// caller's routing transaction. Finish the batch to write the counters and strategy state.
    /// </summary>
    public async Task<RoutingBatch> BeginAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct) =>
        await LoadAsync(db, await flows.GetAsync(db, null, ct) ?? throw new InvalidOperationException("No routing flow is stored."), now, ct);

    /// <summary>
    /// Routes a lead tracked by <paramref name="db"/> and writes the outcome: the lead's status and owner,
    /// the decision trace, the timeline; the batch keeps the reps' and teams' load and the strategy state
    /// current for the next lead. The caller holds the routing transaction and saves. A retry of a held
    /// lead that is still held writes nothing (returns null), so held leads do not fill their timelines
    /// with identical attempts.
    /// </summary>
    public async Task<RoutingDecision?> RouteAsync(
        SwitchboardDb db, RoutingBatch batch, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct, bool retry = false, string? passedOn = null)
    {
        var engineLead = await ToEngineLeadAsync(db, lead, batch.Flow, ct);
        var outcome = Router.Route(engineLead, batch.Flow, batch.Reps, batch.States, now, batch.Teams, batch.PoolConditions);
        var decision = outcome.Decision;
        if (retry && decision.Kind == DecisionKind.Held)
        {
            return null;
        }

        if (passedOn is not null && decision.Kind == DecisionKind.Held && batch.Flow.Fallback is { Kind: TargetKind.Pool, PoolId: { } pool })
        {
            // Taken from a rep (an SLA breach, a reassignment) and nobody else may have it: holding it would
            // wait for reps who are left out for good, so it goes where the flow sends what nobody takes.
            decision = decision with
            {
                Kind = DecisionKind.Pooled,
                PoolId = pool,
                Explanation = $"{passedOn}: {decision.Explanation}; so the fallback sends it to pool '{pool}'",
            };
        }

        DecisionView.Record(db, lead.Id, decision, now);

        var heldSince = lead.HeldSince;
        lead.UpdatedAt = now;
        lead.HeldSince = null;
        LeadSla.Stop(lead);
        switch (decision.Kind)
        {
            case DecisionKind.Assigned:
                lead.Status = "assigned";
                lead.OwnerRepId = decision.RepId;
                lead.PoolId = null;
                lead.AssignedAt = now;
                lead.AcceptedAt = null;
                batch.CountAssignment(decision.RepId!, now);
                LeadSla.Start(lead, batch.SlaFor(decision, decision.RepId), batch.Reps.First(r => r.Id == decision.RepId).Rep, now, accepted: false);
                break;
            case DecisionKind.Offered:
                LeadSla.Hold(lead, batch.SlaFor(decision, decision.OfferedRepIds![0]));
                lead.Status = "offered";
                lead.OwnerRepId = null;
                lead.PoolId = null;
                lead.OfferedRepIds = [.. decision.OfferedRepIds!];
                lead.OfferExpiresAt = now + decision.OfferWindow!.Value;
                break;
            case DecisionKind.Pooled:
                lead.Status = "pooled";
                lead.PoolId = decision.PoolId;
                lead.PooledAt = now;
                lead.PoolEscalatedAt = null;
                break;
            default:
                lead.Status = "held";
                lead.HeldSince = heldSince ?? now;
                break;
        }

        var waited = heldSince is { } since ? $"after being held since {since.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}: " : "";
        db.LeadEvents.Add(new LeadEventRow
        {
            LeadId = lead.Id,
            Type = lead.Status,
            At = now,
            Actor = actor,
            RepId = decision.RepId,
            Note = waited + decision.Explanation,
        });

        if (decision.Alert is { } alert)
        {
            // Someone should know that a rule found nobody: on the timeline now, as an outbox event later.
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "alert", At = now, Actor = "system", Note = alert });
            log.LogWarning("Lead {LeadId}: {Alert}", lead.Id, alert);
        }

        if (outcome is { StateKey: { } key, NewState: { } state })
        {
            batch.SetState(key, state, now);
        }

        return decision;
    }

    private static async Task<RoutingBatch> LoadAsync(SwitchboardDb db, CompiledFlow flow, DateTimeOffset now, CancellationToken ct)
    {
        var teamRows = await db.Teams.AsNoTracking().ToListAsync(ct);
        var reps = await LoadRepsAsync(db, now, flow.HistoryWindows, teamRows, ct);
        var states = await db.StrategyStates.AsNoTracking().ToDictionaryAsync(s => s.Key, s => ToState(s), ct);

        // A team's load is what its members received, each in their own hour/day/week/month.
        var teams = new Dictionary<string, TeamState>(StringComparer.Ordinal);
        foreach (var t in teamRows.Where(t => t.CapPerHour is not null || t.CapPerDay is not null || t.CapPerWeek is not null || t.CapPerMonth is not null))
        {
            var members = reps.Where(r => r.Rep.TeamIds.Contains(t.Id)).Select(r => r.Load).ToList();
            teams[t.Id] = new TeamState(t.Id, new RepCaps(t.CapPerHour, t.CapPerDay, t.CapPerWeek, t.CapPerMonth), new RepLoad(
                0, members.Sum(m => m.AssignedThisHour), members.Sum(m => m.AssignedToday), members.Sum(m => m.AssignedThisWeek), members.Sum(m => m.AssignedThisMonth)));
        }

        var pools = await db.Pools.AsNoTracking().Where(p => p.Condition != null).Select(p => new { p.Id, p.Condition }).ToListAsync(ct);
        var poolConditions = pools
            .Select(p => (p.Id, Condition.Compile(p.Condition!).Condition))
            .Where(p => p.Condition is not null)
            .ToDictionary(p => p.Id, p => p.Condition!, StringComparer.Ordinal);
        var teamSlas = teamRows
            .Where(t => t.SlaJson is not null)
            .Select(t => (t.Id, SlaPolicy.Compile(JsonSerializer.Deserialize<SlaDocument>(t.SlaJson!, Json.Options)!).Policy))
            .Where(t => t.Policy is not null)
            .ToDictionary(t => t.Id, t => t.Policy!, StringComparer.Ordinal);
        return new RoutingBatch(flow, reps, states, teams, poolConditions, teamSlas);
    }

    /// <summary>The engine's view of a stored lead; looks up the account owner only when the flow routes by it.</summary>
    private static async Task<Lead> ToEngineLeadAsync(SwitchboardDb db, LeadRow lead, CompiledFlow flow, CancellationToken ct)
    {
        var engineLead = lead.ToEngineLead();
        if (lead.ExcludedRepIds.Length > 0)
        {
            engineLead = engineLead with { ExclusionReasons = await ExclusionReasonsAsync(db, lead, ct) };
        }

        return flow.NeedsAccount ? engineLead with { Account = await AccountLookup.FindAsync(db, lead, ct) } : engineLead;
    }

    private static readonly string[] PassingEvents = ["declined", "offer_expired", "sla_breached"];

    /// <summary>
    /// Why each rep left out of a lead passed it on, from its timeline (also what this transaction added):
    /// a decline with its reason, an expired offer, an SLA breach; otherwise a reassignment took it away.
    /// </summary>
    private static async Task<Dictionary<string, string>> ExclusionReasonsAsync(SwitchboardDb db, LeadRow lead, CancellationToken ct)
    {
        var stored = await db.LeadEvents.AsNoTracking()
            .Where(e => e.LeadId == lead.Id && PassingEvents.Contains(e.Type)).OrderBy(e => e.Id).ToListAsync(ct);
        var added = db.LeadEvents.Local.Where(e => e.LeadId == lead.Id && e.Id == 0 && PassingEvents.Contains(e.Type));
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in stored.Concat(added))
        {
            switch (e.Type)
            {
                case "declined" when e.RepId is { } rep:
                    reasons[rep] = $"declined this lead ({e.Note})";
                    break;
                case "sla_breached" when e.RepId is { } rep:
                    reasons[rep] = $"breached this lead's SLA ({e.Note?.Split(" (", 2)[0]})";
                    break;
                case "offer_expired":
                    // The note names who let it lapse: "nobody accepted in time (a, b); ...".
                    var lapsed = e.Note?.Split('(', 2) is [_, var rest] ? rest.Split(')', 2)[0].Split(", ") : [];
                    foreach (var rep in lapsed)
                    {
                        reasons.TryAdd(rep, "let an offer of this lead expire");
                    }

                    break;
            }
        }

        foreach (var rep in lead.ExcludedRepIds)
        {
            reasons.TryAdd(rep, "held this lead before it was reassigned");
        }

        return reasons;
    }

    /// <summary>Every rep with their current load: open leads and assignments in their own hour/day/week/month.</summary>
    public static async Task<List<RepState>> LoadRepStatesAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct) =>
        await LoadRepsAsync(db, now, [], await db.Teams.AsNoTracking().ToListAsync(ct), ct);

    private static async Task<List<RepState>> LoadRepsAsync(
        SwitchboardDb db, DateTimeOffset now, IReadOnlyList<TimeSpan> windows, List<TeamRow> teams, CancellationToken ct)
    {
        var reps = await db.Reps.AsNoTracking().ToListAsync(ct);
        var open = await db.Leads
            .Where(l => l.OwnerRepId != null && OpenStatuses.Contains(l.Status))
            .GroupBy(l => l.OwnerRepId!)
            .Select(g => new { RepId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.RepId, x => x.Count, ct);

        var periodsByRep = reps.ToDictionary(r => r.Id, r => CapPeriods.For(r.TimeZone, now));
        var keys = periodsByRep.Values.SelectMany(p => p.All).Distinct().ToArray();
        var counters = await db.RepCounters.AsNoTracking()
            .Where(c => keys.Contains(c.Period))
            .ToDictionaryAsync(c => (c.RepId, c.Period), c => c.Count, ct);

        var history = new Dictionary<string, Dictionary<TimeSpan, RepHistory>>(StringComparer.Ordinal);
        foreach (var window in windows)
        {
            var since = now - window;
            var rows = await db.Leads
                .Where(l => l.OwnerRepId != null && l.AssignedAt >= since)
                .GroupBy(l => l.OwnerRepId!)
                .Select(g => new
                {
                    RepId = g.Key,
                    Assigned = g.Count(),
                    Converted = g.Count(l => ConvertedStatuses.Contains(l.Status)),
                    Won = g.Count(l => l.Status == "won"),
                    Lost = g.Count(l => l.Status == "lost"),
                })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                (history.TryGetValue(row.RepId, out var h) ? h : history[row.RepId] = [])[window] = new RepHistory(row.Assigned, row.Converted, row.Won, row.Lost);
            }
        }

        var holidays = await Holidays.LoadAsync(db, teams, ct);
        int Count(string repId, string period) => counters.TryGetValue((repId, period), out var n) ? n : 0;

        List<RepState> states = [.. reps.Select(r =>
        {
            var p = periodsByRep[r.Id];
            var load = new RepLoad(
                open.TryGetValue(r.Id, out var o) ? o : 0,
                Count(r.Id, p.Hour),
                Count(r.Id, p.Day),
                Count(r.Id, p.Week),
                Count(r.Id, p.Month),
                r.LastAssignedAt,
                history.TryGetValue(r.Id, out var h) ? h : null);
            return new RepState(r.ToEngineRep(holidays.For(r)), load);
        })];
        return states;
    }

    public static StrategyState ToState(StrategyStateRow row)
    {
        var ledger = row.LedgerJson is { Length: > 2 } json ? JsonSerializer.Deserialize<Ledger>(json, Json.Options) ?? new Ledger() : new Ledger();
        return new StrategyState(row.Pointer, JsonSerializer.Deserialize<Dictionary<string, long>>(row.CreditsJson) ?? [])
        {
            Balances = ledger.Balances ?? [],
            Absent = ledger.Absent ?? [],
            ExtraTurns = ledger.ExtraTurns ?? [],
            Waiting = ledger.Waiting ?? [],
        };
    }

    /// <summary>The fairness ledger as stored (and shown) per rule.</summary>
    public sealed record Ledger(
        Dictionary<string, double>? Balances = null,
        List<string>? Absent = null,
        Dictionary<string, int>? ExtraTurns = null,
        Dictionary<string, int>? Waiting = null)
    {
        public static Ledger From(StrategyState s) =>
            new(new(s.Balances), [.. s.Absent], new(s.ExtraTurns), new(s.Waiting));
    }
}

/// <summary>
/// What the engine needs to route, read once per lead (or once per import batch) and kept current in
/// memory as leads are assigned, so the next lead sees the load a fresh read would give. Its writes
/// (rep counters, last-assigned times, strategy state) happen in <see cref="FinishAsync"/>.
/// </summary>
public sealed class RoutingBatch(
    CompiledFlow flow,
    List<RepState> reps,
    Dictionary<string, StrategyState> states,
    Dictionary<string, TeamState> teams,
    Dictionary<string, Condition> poolConditions,
    Dictionary<string, SlaPolicy> teamSlas)
{
    private readonly HashSet<string> storedStates = [.. states.Keys];
    private readonly Dictionary<string, DateTimeOffset> changedStates = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RepId, string Period), int> counted = [];
    private readonly Dictionary<string, DateTimeOffset> lastAssigned = new(StringComparer.Ordinal);

    public CompiledFlow Flow => flow;
    public List<RepState> Reps => reps;
    public Dictionary<string, StrategyState> States => states;
    public Dictionary<string, TeamState> Teams => teams;

    /// <summary>
    /// The SLA a new owner works under: the deciding rule's, else the targeted team's default, else the
    /// default of the first of the rep's teams that has one.
    /// </summary>
    public SlaPolicy? SlaFor(RoutingDecision decision, string? repId) =>
        decision.Sla
        ?? (decision.TeamId is { } team && teamSlas.TryGetValue(team, out var byTeam) ? byTeam : null)
        ?? reps.FirstOrDefault(r => r.Id == repId)?.Rep.TeamIds.Select(t => teamSlas.GetValueOrDefault(t)).FirstOrDefault(s => s is not null);

    /// <summary>Which leads each pool with a condition takes.</summary>
    public Dictionary<string, Condition> PoolConditions => poolConditions;

    public void SetState(string key, StrategyState state, DateTimeOffset now)
    {
        states[key] = state;
        changedStates[key] = now;
    }

    /// <summary>One more lead for the rep: their load and their teams' load, and the counters to write.</summary>
    public void CountAssignment(string repId, DateTimeOffset now)
    {
        var i = reps.FindIndex(r => r.Id == repId);
        var rep = reps[i];
        reps[i] = rep with { Load = rep.Load.AfterAssignment(now) };
        foreach (var teamId in rep.Rep.TeamIds)
        {
            if (teams.TryGetValue(teamId, out var team))
            {
                teams[teamId] = team with { Load = team.Load.AfterAssignment(now) };
            }
        }

        // The periods of the assignment's own moment, so a batch crossing midnight counts each day right.
        foreach (var period in CapPeriods.For(rep.Rep.TimeZone, now).All)
        {
            counted[(repId, period)] = counted.GetValueOrDefault((repId, period)) + 1;
        }

        lastAssigned[repId] = now;
    }

    /// <summary>Writes what the batch counted: rep counters, last-assigned times, changed strategy state.</summary>
    public async Task FinishAsync(SwitchboardDb db, CancellationToken ct)
    {
        foreach (var (repId, at) in lastAssigned)
        {
            await db.Reps.Where(r => r.Id == repId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastAssignedAt, at), ct);
        }

        foreach (var byCount in counted.GroupBy(c => (c.Key.RepId, c.Value)))
        {
            await db.AddToCountersAsync(byCount.Key.RepId, byCount.Select(c => c.Key.Period), byCount.Key.Value, ct);
        }

        foreach (var (key, at) in changedStates)
        {
            var state = states[key];
            var credits = JsonSerializer.Serialize(state.Credits);
            var ledger = JsonSerializer.Serialize(LeadRouting.Ledger.From(state), Json.Options);
            if (storedStates.Add(key))
            {
                db.StrategyStates.Add(new StrategyStateRow { Key = key, Pointer = state.Pointer, CreditsJson = credits, LedgerJson = ledger, UpdatedAt = at });
            }
            else
            {
                await db.StrategyStates.Where(s => s.Key == key).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Pointer, state.Pointer)
                    .SetProperty(s => s.CreditsJson, credits)
                    .SetProperty(s => s.LedgerJson, ledger)
                    .SetProperty(s => s.UpdatedAt, at), ct);
            }
        }

        counted.Clear();
        lastAssigned.Clear();
        changedStates.Clear();
    }
}
