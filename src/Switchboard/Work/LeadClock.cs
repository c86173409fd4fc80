using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;
using Switchboard.Routing.Flows;
using Switchboard.Storage;

namespace Switchboard.Work;

/// <summary>
/// Acts on leads whose time has come: offers nobody accepted in time move on (the reps who let them pass
/// are left out next time), and pools escalate leads nobody claimed. Deadlines are columns on the lead,
/// so a restart or a second instance loses none; each act is a conditional write, so none happens twice.
/// </summary>
public sealed class LeadClock(
    IServiceScopeFactory scopes, LeadRouting routing, TimeProvider time, SwitchboardOptions options, ILogger<LeadClock> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.ClockMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireOffersAsync(stoppingToken);
                await BreachSlasAsync(stoppingToken);
                await RemindAsync(stoppingToken);
                await FollowUpUntouchedAsync(stoppingToken);
                await EscalatePoolsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The lead clock failed; trying again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>Every offer past its window, oldest deadline first.</summary>
    public Task ExpireOffersAsync(CancellationToken ct) => ForEachDueAsync(
        (leads, now) => leads.Where(l => l.Status == "offered" && l.OfferExpiresAt <= now).OrderBy(l => l.OfferExpiresAt),
        async (db, lead, now) =>
        {
            if (lead is not { Status: "offered" } || lead.OfferExpiresAt > now)
            {
                return false; // accepted or declined meanwhile, or handled by another instance
            }

            var lapsed = lead.OfferedRepIds;
            db.LeadEvents.Add(new LeadEventRow
            {
                LeadId = lead.Id,
                Type = "offer_expired",
                At = now,
                Actor = "system",
                Note = $"nobody accepted in time ({string.Join(", ", lapsed)}); offering it on without them",
            });
            LeadOffers.LeaveOut(lead, lapsed);
            await routing.RouteAsync(db, lead, "system", now, ct);
            return true;
        },
        ct);

    /// <summary>
    /// Lists the leads <paramref name="due"/> selects, then handles each in its own routing transaction
    /// with the lead read again, so a request or another instance that got there first is seen.
    /// <paramref name="act"/> returns whether it changed anything (then it is saved and committed).
    /// </summary>
    private async Task ForEachDueAsync(
        Func<IQueryable<LeadRow>, DateTimeOffset, IQueryable<LeadRow>> due, Func<SwitchboardDb, LeadRow, DateTimeOffset, Task<bool>> act, CancellationToken ct)
    {
        List<string> ids;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            ids = await due(db.Leads.AsNoTracking(), time.GetUtcNow()).Select(l => l.Id).ToListAsync(ct);
        }

        foreach (var id in ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var tx = await db.BeginRoutingTransactionAsync(ct);
            if (await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is { } lead && await act(db, lead, time.GetUtcNow()))
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
    }

    /// <summary>
    /// Every SLA deadline that passed: the lead not accepted, or not touched, in time. Each breach is
    /// handled once (the deadline is cleared in the same transaction) as its SLA says: reassign to the
    /// next eligible rep without previous holders, return to a pool, or escalate to the team's manager.
    /// </summary>
    public Task BreachSlasAsync(CancellationToken ct) => ForEachDueAsync(
        (leads, now) => leads.Where(l => l.AcceptDueAt <= now || l.TouchDueAt <= now).OrderBy(l => l.AssignedAt),
        async (db, lead, now) =>
        {
            var what = lead switch
            {
                { AcceptDueAt: { } a } when a <= now => $"not accepted by {a:HH:mm:ss}",
                { TouchDueAt: { } t } when t <= now => $"not touched by {t:HH:mm:ss}",
                _ => null,
            };
            if (what is null || lead.OwnerRepId is not { } owner)
            {
                return false; // met meanwhile, or handled by another instance
            }

            var sla = LeadSla.Of(lead);
            LeadSla.Stop(lead);
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "sla_breached", At = now, Actor = "system", RepId = owner, Note = $"{what} ({owner})" });
            await SetAwayAfterRepeatedBreachesAsync(db, sla, owner, now, ct);
            switch (sla?.OnBreach)
            {
                case { } target when target.StartsWith("pool:", StringComparison.Ordinal):
                    LeadReassignment.ToPool(db, lead, target["pool:".Length..], $"SLA breached: back to pool '{target["pool:".Length..]}'", now);
                    break;
                case "escalate":
                    var managers = await ManagersOfAsync(db, owner, ct);
                    db.LeadEvents.Add(new LeadEventRow
                    {
                        LeadId = lead.Id, Type = "escalated", At = now, Actor = "system", RepId = managers.FirstOrDefault(),
                        Note = managers.Count == 0 ? $"SLA breached by {owner}; their teams have no manager to escalate to" : $"SLA breached by {owner}: escalated to {string.Join(", ", managers)}",
                    });
                    break;
                default:
                    await LeadReassignment.MoveAsync(db, routing, lead, null, "system", "SLA breached", now, ct);
                    break;
            }

            lead.UpdatedAt = now;
            return true;
        },
        ct);

    /// <summary>The managers of the rep's teams.</summary>
    private static async Task<List<string>> ManagersOfAsync(SwitchboardDb db, string repId, CancellationToken ct)
    {
        var teams = await db.Reps.AsNoTracking().Where(r => r.Id == repId).Select(r => r.TeamIds).FirstAsync(ct);
        return await db.Teams.AsNoTracking().Where(t => teams.Contains(t.Id) && t.ManagerRepId != null).Select(t => t.ManagerRepId!).Distinct().ToListAsync(ct);
    }

    /// <summary>After K breaches within the SLA's window a rep is set away, so new leads stop going to them.</summary>
    private async Task SetAwayAfterRepeatedBreachesAsync(SwitchboardDb db, Routing.Flows.SlaPolicy? sla, string repId, DateTimeOffset now, CancellationToken ct)
    {
        if (sla?.AwayAfterBreaches is not { } limit)
        {
            return;
        }

        var since = now - (sla.BreachWindow ?? TimeSpan.FromDays(1));
        var breaches = 1 + await db.LeadEvents.CountAsync(e => e.RepId == repId && e.Type == "sla_breached" && e.At >= since, ct);
        if (breaches >= limit && await db.Reps.Where(r => r.Id == repId && r.Status != "away").ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, "away"), ct) == 1)
        {
            await db.RoutingChangedAsync(ct);
            log.LogWarning("Rep {RepId} set away after {Breaches} SLA breaches since {Since}", repId, breaches, since);
        }
    }

    /// <summary>Reminds owners before their first SLA deadline, once.</summary>
    public async Task RemindAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = time.GetUtcNow();
        var due = await db.Leads.AsNoTracking().Where(l => l.RemindAt <= now).Select(l => new { l.Id, l.OwnerRepId, l.AcceptDueAt, l.TouchDueAt }).ToListAsync(ct);
        foreach (var lead in due)
        {
            var id = lead.Id;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.Leads.Where(l => l.Id == id && l.RemindAt <= now).ExecuteUpdateAsync(u => u.SetProperty(l => l.RemindAt, (DateTimeOffset?)null), ct) == 1)
            {
                var note = lead.AcceptDueAt is { } a ? $"accept by {a:HH:mm:ss}" : $"first touch by {lead.TouchDueAt:HH:mm:ss}";
                db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "reminder", At = now, Actor = "system", RepId = lead.OwnerRepId, Note = note });
                await db.SaveChangesAsync(ct);
            }

            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// Leads nobody has worked for a while: the owner is reminded after <c>untouchedAfter</c>, their
    /// manager after <c>managerAfter</c>, and after <c>recycleAfter</c> the lead goes back to a pool.
    /// </summary>
    public Task FollowUpUntouchedAsync(CancellationToken ct) => ForEachDueAsync(
        (leads, now) => leads.Where(l => l.StaleCheckAt <= now).OrderBy(l => l.StaleCheckAt),
        async (db, lead, now) =>
        {
            if (lead is not { StaleCheckAt: { } check, OwnerRepId: { } owner } || check > now || LeadSla.Of(lead) is not { UntouchedAfter: { } untouched } sla)
            {
                return false;
            }

            var since = lead.LastActivityAt ?? lead.AssignedAt ?? lead.CreatedAt;
            var idle = Durations.Format(untouched);
            switch (lead.StaleStage)
            {
                case 0:
                    db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "reminder", At = now, Actor = "system", RepId = owner, Note = $"no activity for {idle} (since {since:u})" });
                    lead.StaleStage = 1;
                    lead.StaleCheckAt = sla.ManagerAfter is { } m ? since + m : sla.RecycleAfter is { } r ? since + r : null;
                    break;
                case 1 when sla.ManagerAfter is { } managerAfter && now - since < (sla.RecycleAfter ?? TimeSpan.MaxValue):
                    var managers = await ManagersOfAsync(db, owner, ct);
                    foreach (var manager in managers.DefaultIfEmpty())
                    {
                        db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "reminder", At = now, Actor = "system", RepId = manager, Note = $"{owner}'s lead has had no activity for {Durations.Format(managerAfter)} (manager: {manager ?? "none"})" });
                    }

                    lead.StaleStage = 2;
                    lead.StaleCheckAt = sla.RecycleAfter is { } recycle ? since + recycle : null;
                    break;
                default:
                    if (sla.RecycleTo is { } pool)
                    {
                        LeadReassignment.ToPool(db, lead, pool, $"no activity since {since:u}: recycled from {owner} to pool '{pool}'", now);
                    }

                    lead.StaleCheckAt = null;
                    break;
            }

            lead.UpdatedAt = now;
            return true;
        },
        ct);

    /// <summary>Leads waiting in a pool longer than its escalation time: notify, widen or move, once per stay.</summary>
    public async Task EscalatePoolsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var pools = await db.Pools.AsNoTracking().Where(p => p.EscalateAfter != null).ToListAsync(ct);
        foreach (var pool in pools)
        {
            if (!Durations.TryParse(pool.EscalateAfter!, out var after))
            {
                continue;
            }

            var now = time.GetUtcNow();
            var since = now - after;
            var poolId = pool.Id;
            var due = await db.Leads.AsNoTracking()
                .Where(l => l.PoolId == poolId && l.Status == "pooled" && l.PoolEscalatedAt == null && l.PooledAt <= since)
                .OrderBy(l => l.PooledAt).Select(l => l.Id).ToListAsync(ct);
            foreach (var id in due)
            {
                await EscalateAsync(db, pool, id, after, now, ct);
            }
        }
    }

    private async Task EscalateAsync(SwitchboardDb db, PoolRow pool, string id, TimeSpan after, DateTimeOffset now, CancellationToken ct)
    {
        var poolId = pool.Id;
        var waiting = db.Leads.Where(l => l.Id == id && l.PoolId == poolId && l.Status == "pooled" && l.PoolEscalatedAt == null);
        var (target, targetId) = pool.EscalateTo?.Split(':', 2) is [var kind, var to] ? (kind, to) : ("", "");
        int changed;
        string note;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        switch (pool.EscalateAction)
        {
            case "move" when target == "pool":
                changed = await waiting.ExecuteUpdateAsync(u => u.SetProperty(l => l.PoolId, targetId).SetProperty(l => l.PooledAt, now).SetProperty(l => l.UpdatedAt, now), ct);
                note = $"unclaimed in pool '{poolId}' for {Durations.Format(after)}: moved to pool '{targetId}'";
                break;
            case "move" when target == "rep":
                changed = await waiting.ExecuteUpdateAsync(u => u
                    .SetProperty(l => l.Status, "assigned").SetProperty(l => l.OwnerRepId, targetId).SetProperty(l => l.PoolId, (string?)null)
                    .SetProperty(l => l.PooledAt, (DateTimeOffset?)null).SetProperty(l => l.AssignedAt, now).SetProperty(l => l.UpdatedAt, now), ct);
                note = $"unclaimed in pool '{poolId}' for {Durations.Format(after)}{TimelineNotes.EscalatedToRep}{targetId}";
                if (changed == 1)
                {
                    await db.GainedOpenLeadAsync(targetId, ct);
                    await db.CountAssignmentAsync(targetId, now, ct);
                }

                break;
            case "widen":
                changed = await waiting.ExecuteUpdateAsync(u => u.SetProperty(l => l.PoolEscalatedAt, now), ct);
                note = $"unclaimed in pool '{poolId}' for {Durations.Format(after)}: now also offered to " +
                       string.Join(", ", pool.WidenTeamIds.Select(t => $"team {t}").Concat(pool.WidenRepIds));
                break;
            default:
                changed = await waiting.ExecuteUpdateAsync(u => u.SetProperty(l => l.PoolEscalatedAt, now), ct);
                note = $"unclaimed in pool '{poolId}' for {Durations.Format(after)}";
                break;
        }

        if (changed == 1)
        {
            db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "escalated", At = now, Actor = "system", RepId = target == "rep" ? targetId : null, Note = note });
            await db.SaveChangesAsync(ct);
            log.LogWarning("Lead {LeadId}: {Note}", id, note);
        }

        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
