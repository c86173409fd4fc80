using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Api;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;
using Switchboard.Storage;

namespace Switchboard.Routing;

/// <summary>
/// The host's side of routing: loads what the pure engine needs (reps, their load, strategy state),
/// asks it for a decision, and writes the outcome. Callers hold the routing transaction.
/// </summary>
public sealed class LeadRouting(FlowStore flows)
{
    /// <summary>Lead statuses that count as open work for a rep (load and max-open caps).</summary>
    public static readonly string[] OpenStatuses = ["offered", "assigned", "accepted", "contacted", "qualified"];

    /// <summary>Computes a decision without writing anything (dry-run).</summary>
    public async Task<RoutingOutcome?> DecideAsync(SwitchboardDb db, Lead lead, int? flowVersion, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = await LoadAsync(db, flowVersion, now, ct);
        return snapshot is null ? null : Router.Route(lead, snapshot.Flow, snapshot.Reps, snapshot.States, now);
    }

    /// <summary>
    /// Routes a lead tracked by <paramref name="db"/> and writes the outcome: the lead's status and owner,
    /// the decision trace, the timeline, the strategy state and the rep's counters. The caller holds the
    /// routing transaction and saves; what already exists is updated in place, the rest is added.
    /// </summary>
    public async Task<RoutingDecision> RouteAsync(SwitchboardDb db, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = (await LoadAsync(db, null, now, ct))!;
        var outcome = Router.Route(lead.ToEngineLead(), snapshot.Flow, snapshot.Reps, snapshot.States, now);
        var decision = outcome.Decision;
        var view = DecisionView.From(decision);

        db.Decisions.Add(new DecisionRow
        {
            LeadId = lead.Id,
            FlowVersion = decision.FlowVersion,
            Kind = view.Kind,
            Rule = decision.Rule,
            RepId = decision.RepId,
            PoolId = decision.PoolId,
            TraceJson = JsonSerializer.Serialize(view, Json.Options),
            At = now,
        });

        lead.UpdatedAt = now;
        switch (decision.Kind)
        {
            case DecisionKind.Assigned:
                lead.Status = "assigned";
                lead.OwnerRepId = decision.RepId;
                lead.PoolId = null;
                lead.AssignedAt = now;
                await CountAssignmentAsync(db, snapshot, snapshot.Reps.First(r => r.Id == decision.RepId), now, ct);
                break;
            case DecisionKind.Pooled:
                lead.Status = "pooled";
                lead.PoolId = decision.PoolId;
                break;
            default:
                lead.Status = "held";
                break;
        }

        db.LeadEvents.Add(new LeadEventRow
        {
            LeadId = lead.Id,
            Type = lead.Status,
            At = now,
            Actor = actor,
            RepId = decision.RepId,
            Note = decision.Explanation,
        });

        if (outcome is { StateKey: { } key, NewState: { } state })
        {
            var credits = JsonSerializer.Serialize(state.Credits);
            if (snapshot.States.ContainsKey(key))
            {
                await db.StrategyStates.Where(s => s.Key == key).ExecuteUpdateAsync(
                    u => u.SetProperty(s => s.Pointer, state.Pointer).SetProperty(s => s.CreditsJson, credits).SetProperty(s => s.UpdatedAt, now), ct);
            }
            else
            {
                db.StrategyStates.Add(new StrategyStateRow { Key = key, Pointer = state.Pointer, CreditsJson = credits, UpdatedAt = now });
            }
        }

        return decision;
    }

    private static async Task CountAssignmentAsync(SwitchboardDb db, Snapshot snapshot, RepState rep, DateTimeOffset now, CancellationToken ct)
    {
        var repId = rep.Id;
        await db.Reps.Where(r => r.Id == repId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastAssignedAt, now), ct);
        var periods = CapPeriods.For(rep.Rep.TimeZone, now).All.ToArray();
        var existing = periods.Where(p => snapshot.Counters.Contains((repId, p))).ToArray();
        if (existing.Length > 0)
        {
            await db.RepCounters.Where(c => c.RepId == repId && existing.Contains(c.Period))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Count, c => c.Count + 1), ct);
        }

        foreach (var period in periods.Except(existing))
        {
            db.RepCounters.Add(new RepCounterRow { RepId = repId, Period = period, Count = 1 });
        }
    }

    /// <summary>What the engine needs for one decision, read in one go.</summary>
    private sealed record Snapshot(
        CompiledFlow Flow,
        List<RepState> Reps,
        Dictionary<string, StrategyState> States,
        HashSet<(string RepId, string Period)> Counters);

    private async Task<Snapshot?> LoadAsync(SwitchboardDb db, int? flowVersion, DateTimeOffset now, CancellationToken ct)
    {
        var flow = await flows.GetAsync(db, flowVersion, ct);
        if (flow is null)
        {
            return null;
        }

        var (reps, counters) = await LoadRepsAsync(db, now, ct);
        var states = await db.StrategyStates.AsNoTracking().ToDictionaryAsync(s => s.Key, s => ToState(s), ct);
        return new Snapshot(flow, reps, states, counters);
    }

    /// <summary>Every rep with their current load: open leads and assignments in their own hour/day/week/month.</summary>
    public static async Task<List<RepState>> LoadRepStatesAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct) =>
        (await LoadRepsAsync(db, now, ct)).Reps;

    private static async Task<(List<RepState> Reps, HashSet<(string, string)> Counters)> LoadRepsAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct)
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
                r.LastAssignedAt);
            return new RepState(r.ToEngineRep(), load);
        })];
        return (states, [.. counters.Keys]);
    }

    private static StrategyState ToState(StrategyStateRow row) =>
        new(row.Pointer, JsonSerializer.Deserialize<Dictionary<string, long>>(row.CreditsJson) ?? []);
}
