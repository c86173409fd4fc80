using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Routing.Lifecycle;
using Switchboard.Routing.Flows;
using Switchboard.Storage;

namespace Switchboard.Work;

/// <summary>
/// Acts on leads whose time has come: offers nobody accepted in time move on (the reps who let them pass
/// are left out next time), SLA deadlines breach, untouched leads are followed up, and pools escalate
/// leads nobody claimed. Deadlines are columns on the lead, so a restart or a second instance loses none;
/// each act re-reads its lead under the routing lock and computes its lifecycle step from what it finds,
/// so none happens twice.
/// </summary>
public sealed class LeadClock(
    IServiceScopeFactory scopes, LeadMoves moves, TimeProvider time, SwitchboardOptions options, AuditTrail audit, ILogger<LeadClock> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.LeadClock)
        {
            return; // another instance runs it (or a test ticks it)
        }

        var interval = TimeSpan.FromMilliseconds(options.ClockMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The lead clock failed; trying again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>One look at every deadline that passed by now; what is due is handled, each in its own transaction.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await ExpireOffersAsync(ct);
        await BreachSlasAsync(ct);
        await RemindAsync(ct);
        await FollowUpUntouchedAsync(ct);
        await EscalatePoolsAsync(ct);
    }

    /// <summary>Every offer past its window, oldest deadline first: those it was offered to are left out and it is offered on.</summary>
    public Task ExpireOffersAsync(CancellationToken ct) => ForEachDueAsync(
        (leads, now) => leads.Where(l => l.Status == LeadStatus.Offered && l.OfferExpiresAt <= now).OrderBy(l => l.OfferExpiresAt),
        (db, lead, now) => Task.FromResult(LeadLifecycle.ExpireOffer(lead.Life(), now)),
        ct);

    /// <summary>
    /// Lists the leads <paramref name="due"/> selects, then handles each in its own routing transaction
    /// with the lead read again, so a request or another instance that got there first is seen (the step
    /// then changes nothing). <paramref name="act"/> computes the lifecycle step; a changed one is written
    /// through <see cref="LeadMoves"/>, saved and committed.
    /// </summary>
    private async Task ForEachDueAsync(
        Func<IQueryable<LeadRow>, DateTimeOffset, IQueryable<LeadRow>> due, Func<SwitchboardDb, LeadRow, DateTimeOffset, Task<Step>> act, CancellationToken ct,
        Func<SwitchboardDb, LeadRow, Step, DateTimeOffset, Task>? after = null, Func<LeadLife, Refusal, DateTimeOffset, Step>? fallback = null)
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
            var now = time.GetUtcNow();
            if (await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead || await act(db, lead, now) is not { Changed: true } step)
            {
                continue;
            }

            if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
            {
                // e.g. the rep an escalation names is at their cap: the fallback says so on the lead, once.
                if (fallback?.Invoke(step.Lead, refused, now) is not { } instead || await moves.ApplyAsync(db, lead, instead, now, ct) is not null)
                {
                    log.LogWarning("Lead {LeadId}: the clock's step was refused: {Reason}", id, refused.Reason);
                    continue;
                }

                step = instead;
            }

            if (after is not null)
            {
                await after(db, lead, step, now);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
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
            var life = lead.Life();
            var managers = SlaClock.Breach(life, now) is EscalateOnBreach e ? await ManagersOfAsync(db, e.Owner, ct) : [];
            return LeadLifecycle.Breach(life, managers, now);
        },
        ct,
        after: async (db, lead, step, now) =>
        {
            if (step.Events is [{ Type: "sla_breached", RepId: { } owner }, ..])
            {
                await SetAwayAfterRepeatedBreachesAsync(db, step.Lead.Sla, owner, now, ct);
            }
        });

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
            audit.Record(db, "changed", "rep", repId, null, new { status = "away", reason = $"{breaches} SLA breaches since {since:u}" });
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
            var life = lead.Life();
            var managers = life is { StaleStage: 1, OwnerRepId: { } owner } ? await ManagersOfAsync(db, owner, ct) : [];
            return LeadLifecycle.FollowUp(life, managers, now);
        },
        ct);

    /// <summary>Leads waiting in a pool longer than its escalation time: notify, widen or move, once per stay.</summary>
    public async Task EscalatePoolsAsync(CancellationToken ct)
    {
        List<PoolRow> pools;
        await using (var scope = scopes.CreateAsyncScope())
        {
            pools = await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().Pools.AsNoTracking().Where(p => p.EscalateAfter != null).ToListAsync(ct);
        }

        foreach (var pool in pools)
        {
            if (!Durations.TryParse(pool.EscalateAfter!, out var after))
            {
                continue;
            }

            var poolId = pool.Id;
            var escalation = new PoolEscalation(pool.Id, after, pool.EscalateAction, pool.EscalateTo, [.. pool.WidenTeamIds.Select(t => $"team {t}"), .. pool.WidenRepIds]);
            await ForEachDueAsync(
                (leads, now) => leads.Where(l => l.PoolId == poolId && l.Status == LeadStatus.Pooled && l.PoolEscalatedAt == null && l.PooledAt <= now - after).OrderBy(l => l.PooledAt),
                (db, lead, now) => Task.FromResult(LeadLifecycle.EscalateFromPool(lead.Life(), escalation, now)),
                ct,
                after: (db, lead, step, now) =>
                {
                    log.LogWarning("Lead {LeadId}: {Note}", lead.Id, step.Events[0].Note);
                    return Task.CompletedTask;
                },
                fallback: (life, refused, now) => LeadLifecycle.EscalationRefused(life, escalation, refused, now));
        }
    }
}
