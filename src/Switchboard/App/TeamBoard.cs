using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Lifecycle;
using Switchboard.Routing.Model;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.App;

/// <summary>Where a rep stands in one rule's fairness ledger: above 0 got more than their share, below 0 is owed.</summary>
public sealed record RuleBalance(string Rule, double Balance, bool Absent);

/// <summary>One rep on the board: availability, what stops them taking leads now, load against caps, today's figures, fairness.</summary>
public sealed record BoardRep(
    RepRow Rep,
    RepLoad Load,
    string Availability,
    IReadOnlyList<string> CannotTake,
    IReadOnlyList<RuleBalance> Fairness,
    int BreachesToday,
    int OverdueNow);

/// <summary>A lead nobody owns yet and why it waits.</summary>
public sealed record BacklogLead(LeadRow Lead, string Reason, DateTimeOffset Since);

/// <summary>
/// The manager's board, read with the rules the API reads by: the reps and backlog within the person's
/// reach (<see cref="Scopes"/>), loads as routing counts them (<see cref="LeadRouting.LoadRepStatesAsync"/>),
/// eligibility as the engine judges it (<see cref="Eligibility"/>), balances from the rules' ledgers.
/// </summary>
public static class TeamBoard
{
    /// <summary>The reps of <paramref name="teamId"/> (or all the caller's teams), by name.</summary>
    public static async Task<List<BoardRep>> RepsAsync(SwitchboardDb db, Caller caller, string? teamId, DateTimeOffset now, CancellationToken ct)
    {
        var reps = await db.Reps.AsNoTracking().Where(r => r.Active).OrderBy(r => r.Name).ToListAsync(ct);
        reps = [.. reps.Where(r => Scopes.SeesRep(caller, r) && (teamId is null || r.TeamIds.Contains(teamId)))];
        var ids = reps.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var states = (await LeadRouting.LoadRepStatesAsync(db, now, ct)).Where(s => ids.Contains(s.Id)).ToDictionary(s => s.Id);

        var ledgers = (await db.StrategyStates.AsNoTracking().Where(s => s.Key.StartsWith("rule:")).OrderBy(s => s.Key).ToListAsync(ct))
            .Select(r => (Rule: CompiledRule.RuleOf(r.Key), State: LeadRouting.ToState(r))).ToList();

        // Today is each rep's own day, as their caps count it.
        var dayStarts = reps.ToDictionary(r => r.Id, r => StartOfDay(now, r.TimeZone));
        var since = dayStarts.Count == 0 ? now : dayStarts.Values.Min();
        var idList = ids.ToList();
        var breaches = await db.LeadEvents.AsNoTracking()
            .Where(e => e.Type == LeadFilter.Breached && e.RepId != null && idList.Contains(e.RepId) && e.At >= since)
            .Select(e => new { Rep = e.RepId!, e.At }).ToListAsync(ct);
        var overdue = await db.Leads.AsNoTracking()
            .Where(l => l.OwnerRepId != null && idList.Contains(l.OwnerRepId) && (l.AcceptDueAt < now || l.TouchDueAt < now))
            .GroupBy(l => l.OwnerRepId!).Select(g => new { Rep = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Rep, g => g.Count, ct);

        return [.. reps.Select(r =>
        {
            var state = states.GetValueOrDefault(r.Id);
            return new BoardRep(
                r,
                state?.Load ?? RepLoad.Zero,
                RepAvailability.Describe(r, now),
                state is null ? [] : Eligibility.Exclusions(state, now),
                [.. ledgers.Where(l => l.State.Balances.ContainsKey(r.Id))
                    .Select(l => new RuleBalance(l.Rule, Math.Round(l.State.Balances[r.Id], 2), l.State.Absent.Contains(r.Id)))],
                breaches.Count(b => b.Rep == r.Id && b.At >= dayStarts[r.Id]),
                overdue.GetValueOrDefault(r.Id));
        })];
    }

    /// <summary>A page of the leads waiting on the caller's teams, oldest first, each with the reason it waits.</summary>
    public static async Task<(List<BacklogLead> Page, int Total)> BacklogAsync(SwitchboardDb db, Caller caller, int page, int pageSize, CancellationToken ct)
    {
        var waiting = await Scopes.BacklogAsync(db, caller, ct);
        var total = await waiting.CountAsync(ct);
        var rows = await waiting.OrderBy(l => l.HeldSince ?? l.PooledAt ?? l.CreatedAt).ThenBy(l => l.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var pools = await db.Pools.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var leads = new List<BacklogLead>(rows.Count);
        foreach (var lead in rows)
        {
            var decision = await DecisionView.LatestAsync(db, lead.Id, ct);
            var reason = lead.Status == LeadStatus.Pooled
                ? $"waiting to be claimed in pool '{pools.GetValueOrDefault(lead.PoolId!) ?? lead.PoolId}'" + (lead.PoolEscalatedAt is not null ? " (escalated)" : "")
                : decision?.Held?.Reason ?? decision?.Explanation ?? "held";
            leads.Add(new BacklogLead(lead, reason, lead.HeldSince ?? lead.PooledAt ?? lead.CreatedAt));
        }

        return (leads, total);
    }

    private static DateTimeOffset StartOfDay(DateTimeOffset now, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return new DateTimeOffset(local.Date, local.Offset);
    }
}
