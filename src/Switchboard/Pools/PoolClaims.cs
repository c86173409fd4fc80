using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Pools;

/// <summary>How a claim ended: the lead won, a limit that stopped it, or someone else was first (Taken); all null: nothing there.</summary>
public sealed record ClaimOutcome(LeadRow? Lead = null, string? Limit = null, bool Taken = false);

/// <summary>
/// Claims: one conditional UPDATE (still pooled, still in this pool) decides who wins a lead, so many reps
/// claiming at once end with exactly one owner. Each rep's claims run one at a time (the rep lock), so
/// claim limits hold even when one rep clicks twice.
/// </summary>
public sealed class PoolClaims(TimeProvider time)
{
    /// <summary>How many of the oldest leads a claim without a lead id tries before giving up.</summary>
    private const int Attempts = 20;

    public async Task<ClaimOutcome> ClaimAsync(SwitchboardDb db, PoolRow pool, PoolAccess access, string repId, string? leadId, CancellationToken ct)
    {
        var rep = await db.Reps.AsNoTracking().FirstAsync(r => r.Id == repId, ct);
        await using var tx = await db.BeginRepTransactionAsync(repId, ct);
        var now = time.GetUtcNow();
        if (await LimitAsync(db, pool, rep, now, ct) is { } limit)
        {
            return new ClaimOutcome(Limit: limit);
        }

        var claimable = access.Claimable(db, pool);
        List<string> candidates = leadId is null
            ? await claimable.OrderBy(l => l.PooledAt).ThenBy(l => l.Id).Select(l => l.Id).Take(Attempts).ToListAsync(ct)
            : await claimable.Where(l => l.Id == leadId).Select(l => l.Id).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            var taken = leadId is not null && await db.Leads.AnyAsync(l => l.Id == leadId && l.ClaimedFromPoolId == pool.Id, ct);
            return new ClaimOutcome(Taken: taken);
        }

        foreach (var id in candidates)
        {
            // The claim itself: whoever's UPDATE finds the lead still pooled here wins; everyone else updates nothing.
            var poolId = pool.Id;
            var won = await db.Leads
                .Where(l => l.Id == id && l.PoolId == poolId && l.Status == "pooled")
                .ExecuteUpdateAsync(u => u
                    .SetProperty(l => l.Status, "assigned")
                    .SetProperty(l => l.OwnerRepId, repId)
                    .SetProperty(l => l.PoolId, (string?)null)
                    .SetProperty(l => l.PooledAt, (DateTimeOffset?)null)
                    .SetProperty(l => l.ClaimedFromPoolId, poolId)
                    .SetProperty(l => l.AssignedAt, now)
                    .SetProperty(l => l.UpdatedAt, now), ct) == 1;
            if (!won)
            {
                continue;
            }

            db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "claimed", At = now, Actor = repId, RepId = repId, Note = $"claimed from pool '{pool.Name}' ({pool.Id}, {pool.Mode})" });
            await db.GainedOpenLeadAsync(repId, ct);
            await db.CountAssignmentAsync(repId, now, ct, rep.TimeZone);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new ClaimOutcome(await db.Leads.AsNoTracking().FirstAsync(l => l.Id == id, ct));
        }

        return new ClaimOutcome(Taken: true);
    }

    /// <summary>The pool's claim limits for this rep: open leads they hold, and claims today in their own time zone.</summary>
    private static async Task<string?> LimitAsync(SwitchboardDb db, PoolRow pool, RepRow rep, DateTimeOffset now, CancellationToken ct)
    {
        var repId = rep.Id;
        if (pool.ClaimMaxOpen is { } maxOpen)
        {
            var open = await db.Leads.CountAsync(l => l.OwnerRepId == repId && LeadRouting.OpenStatuses.Contains(l.Status), ct);
            if (open >= maxOpen)
            {
                return $"claim limit: {repId} has {open} open leads and pool '{pool.Id}' allows claiming up to {maxOpen} open";
            }
        }

        if (pool.ClaimPerDay is { } perDay)
        {
            var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone));
            var dayStart = new DateTimeOffset(local.Date, local.Offset);
            var today = await db.LeadEvents.CountAsync(e => e.RepId == repId && e.Type == "claimed" && e.At >= dayStart, ct);
            if (today >= perDay)
            {
                return $"claim limit: {repId} claimed {today} leads today and pool '{pool.Id}' allows {perDay} a day";
            }
        }

        return null;
    }
}
