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
                await EscalatePoolsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The lead clock failed; trying again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>Every offer past its window, oldest deadline first, each in its own routing transaction.</summary>
    public async Task ExpireOffersAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            due = await db.Leads.AsNoTracking().Where(l => l.Status == "offered" && l.OfferExpiresAt <= now)
                .OrderBy(l => l.OfferExpiresAt).Select(l => l.Id).ToListAsync(ct);
        }

        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var tx = await db.BeginRoutingTransactionAsync(ct);
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
            now = time.GetUtcNow();
            if (lead is not { Status: "offered" } || lead.OfferExpiresAt > now)
            {
                continue; // accepted or declined meanwhile, or handled by another instance
            }

            var lapsed = lead.OfferedRepIds;
            db.LeadEvents.Add(new LeadEventRow
            {
                LeadId = id,
                Type = "offer_expired",
                At = now,
                Actor = "system",
                Note = $"nobody accepted in time ({string.Join(", ", lapsed)}); offering it on without them",
            });
            LeadOffers.LeaveOut(lead, lapsed);
            await routing.RouteAsync(db, lead, "system", now, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

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
                note = $"unclaimed in pool '{poolId}' for {Durations.Format(after)}: assigned to {targetId}";
                if (changed == 1 && await db.Reps.AsNoTracking().Where(r => r.Id == targetId).Select(r => r.TimeZone).FirstOrDefaultAsync(ct) is { } zone)
                {
                    await db.AddToCountersAsync(targetId, CapPeriods.For(zone, now).All, 1, ct);
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
