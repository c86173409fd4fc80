using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Routing;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Pools;

/// <summary>How a claim ended: the lead won, a limit that stopped it, or someone else was first (Taken); all null: nothing there.</summary>
public sealed record ClaimOutcome(LeadRow? Lead = null, string? Limit = null, bool Taken = false);

/// <summary>
/// Claims run in the routing transaction, with the lead read again under its lock, so many reps claiming
/// at once end with exactly one owner and each rep's claim limits hold even when they click twice. The
/// claim itself is <see cref="LeadLifecycle.Claim"/>, and the lead reaches the rep through the one
/// assignment path (their caps checked, the SLA clock started, the assignment counted).
/// </summary>
public sealed class PoolClaims(LeadMoves moves, TimeProvider time)
{
    /// <summary>How many of the oldest leads a claim without a lead id tries before giving up.</summary>
    private const int Attempts = 20;

    public async Task<ClaimOutcome> ClaimAsync(SwitchboardDb db, PoolRow pool, PoolAccess access, string repId, string? leadId, CancellationToken ct)
    {
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var rep = await db.Reps.AsNoTracking().FirstAsync(r => r.Id == repId, ct);
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
            var lead = await db.Leads.FirstAsync(l => l.Id == id, ct);
            var step = LeadLifecycle.Claim(lead.Life(), pool.Id, pool.Name, pool.Mode, repId);
            if (step.Refused is not null)
            {
                continue; // claimed, moved or escalated since the list was read
            }

            if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
            {
                return new ClaimOutcome(Limit: refused.Reason);
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new ClaimOutcome(lead);
        }

        return new ClaimOutcome(Taken: true);
    }

    /// <summary>The pool's claim limits for this rep: open leads they hold, and claims today in their own time zone.</summary>
    private static async Task<string?> LimitAsync(SwitchboardDb db, PoolRow pool, RepRow rep, DateTimeOffset now, CancellationToken ct)
    {
        var repId = rep.Id;
        if (pool.ClaimMaxOpen is { } maxOpen && rep.OpenLeads >= maxOpen)
        {
            return $"claim limit: {repId} has {rep.OpenLeads} open leads and pool '{pool.Id}' allows claiming up to {maxOpen} open";
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
