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

    /// <summary>Computes a decision without writing anything (dry-run, and the first half of routing).</summary>
    public async Task<RoutingOutcome?> DecideAsync(SwitchboardDb db, Lead lead, int? flowVersion, DateTimeOffset now, CancellationToken ct)
    {
        var flow = await flows.GetAsync(db, flowVersion, ct);
        if (flow is null)
        {
            return null;
        }

        var reps = await LoadRepStatesAsync(db, now, ct);
        var states = await db.StrategyStates.AsNoTracking().ToDictionaryAsync(s => s.Key, s => ToState(s), ct);
        return Router.Route(lead, flow, reps, states, now);
    }

    /// <summary>Routes a lead that is tracked by <paramref name="db"/> and applies the decision to it.</summary>
    public async Task<RoutingDecision> RouteAsync(SwitchboardDb db, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var outcome = (await DecideAsync(db, lead.ToEngineLead(), null, now, ct))!;
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
                await CountAssignmentAsync(db, decision.RepId!, now, ct);
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
            var row = await db.StrategyStates.FirstOrDefaultAsync(s => s.Key == key, ct);
            if (row is null)
            {
                row = new StrategyStateRow { Key = key };
                db.StrategyStates.Add(row);
            }

            row.Pointer = state.Pointer;
            row.CreditsJson = JsonSerializer.Serialize(state.Credits);
            row.UpdatedAt = now;
        }

        return decision;
    }

    private static async Task CountAssignmentAsync(SwitchboardDb db, string repId, DateTimeOffset now, CancellationToken ct)
    {
        var rep = await db.Reps.FirstAsync(r => r.Id == repId, ct);
        rep.LastAssignedAt = now;
        var periods = CapPeriods.For(rep.TimeZone, now).All.ToArray();
        var counters = await db.RepCounters.Where(c => c.RepId == repId && periods.Contains(c.Period)).ToListAsync(ct);
        foreach (var period in periods)
        {
            var counter = counters.FirstOrDefault(c => c.Period == period);
            if (counter is null)
            {
                db.RepCounters.Add(new RepCounterRow { RepId = repId, Period = period, Count = 1 });
            }
            else
            {
                counter.Count++;
            }
        }
    }

    /// <summary>Every rep with their current load: open leads and assignments in their own hour/day/week/month.</summary>
    public static async Task<List<RepState>> LoadRepStatesAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct)
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

        return [.. reps.Select(r =>
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
    }

    private static StrategyState ToState(StrategyStateRow row) =>
        new(row.Pointer, JsonSerializer.Deserialize<Dictionary<string, long>>(row.CreditsJson) ?? []);
}
